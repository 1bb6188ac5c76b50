# Summarises the CPU samples of a JFR recording (as jfr print writes them) in time windows: top frames by own time, threads, areas of the stack
# (a sample counts once in every area its stack passes through) and the hottest frames of the libraries on a grab's
# path. For a JVM started with -XX:StartFlightRecording (e.g. A_OPTS of load-tests/ab.sh), read it with
#   jfr print --stack-depth 96 --events jdk.ExecutionSample rec.jfr > rec.txt
#   python3 load-tests/bench/jfr-window.py rec.txt 04:03:04-04:03:12,04:04:04-04:04:12 [TOP-SELF] [TOP-INCLUSIVE]
# windows are HH:MM:SS-HH:MM:SS of the samples' start times (ab.sh logs when each measurement ends).
import collections
import re
import sys

text = open(sys.argv[1])
wins = []
for w in sys.argv[2].split(','):
    a, b = w.split('-')
    wins.append((a, b))
N = int(sys.argv[3]) if len(sys.argv) > 3 else 40
def inwin(t):
    return any(a <= t < b for a, b in wins)
samples = []
cur = None; frames = None; t = None; thread = None
for line in text:
    s = line.strip()
    if s.startswith('jdk.ExecutionSample'):
        frames = []; t = None; thread = ''
    elif s.startswith('startTime ='):
        t = s.split('=')[1].strip()[:8]
    elif s.startswith('sampledThread ='):
        thread = s.split('"')[1] if '"' in s else s
    elif s.startswith('stackTrace = ['):
        cur = True
    elif s == ']' and cur:
        cur = False
    elif s == '}' and frames is not None:
        if t and inwin(t):
            samples.append((thread, frames))
        frames = None
    elif cur and frames is not None:
        f = re.sub(r'\s+line:.*$', '', s)
        f = re.sub(r'\(.*\)$', '', f)
        if f and f != '...':
            frames.append(f)
n = len(samples)
print("samples", n)
self_c = collections.Counter(f[0] for _, f in samples if f)
print("\n## top self frames")
for k, v in self_c.most_common(N):
    print(f"{100*v/n:5.1f}% {k}")
thr = collections.Counter(re.sub(r'\d+$', '#', th) for th, _ in samples)
print("\n## threads")
for k, v in thr.most_common(15):
    print(f"{100*v/n:5.1f}% {k}")
cats = {
 'jwt/nimbus': ['com.nimbusds'],
 'spring security': ['org.springframework.security'],
 'jackson': ['tools.jackson', 'com.fasterxml.jackson'],
 'lettuce': ['io.lettuce'],
 'spring data redis': ['org.springframework.data.redis'],
 'kafka client': ['org.apache.kafka'],
 'micrometer/observation': ['io.micrometer'],
 'bucket4j': ['io.github.bucket4j'],
 'logback/slf4j': ['ch.qos.logback', 'org.slf4j'],
 'fairrush': ['org.fairrush'],
 'webflux dispatch': ['org.springframework.web.reactive'],
 'web server filters (org.springframework.web.server)': ['org.springframework.web.server'],
 'reactor netty': ['reactor.netty'],
 'netty': ['io.netty'],
 'reactor core': ['reactor.core'],
 'caffeine': ['com.github.benmanes'],
 'uuid/securerandom': ['java.util.UUID', 'java.security.SecureRandom', 'sun.security.provider'],
 'http headers': ['org.springframework.http'],
 'exceptions': ['java.lang.Throwable'],
}
print("\n## areas (inclusive, a stack counts once per area)")
res = []
for name, prefixes in cats.items():
    c = sum(1 for _, f in samples if any(fr.startswith(p) for fr in f for p in prefixes))
    res.append((c, name))
for c, name in sorted(res, reverse=True):
    print(f"{100*c/n:5.1f}% {name}")
# inclusive by fairrush / spring method
inc = collections.Counter()
for _, f in samples:
    for fr in set(f):
        inc[fr] += 1
print("\n## top inclusive frames (org.fairrush, org.springframework.security, org.springframework.web, io.lettuce, io.micrometer, org.springframework.data)")
k = 0
for fr, v in inc.most_common():
    if fr.startswith(('org.fairrush', 'org.springframework.security', 'org.springframework.web', 'io.lettuce', 'io.micrometer', 'org.springframework.data', 'org.springframework.http', 'org.apache.kafka', 'tools.jackson')):
        print(f"{100*v/n:5.1f}% {fr}")
        k += 1
        if k >= int(sys.argv[4] if len(sys.argv) > 4 else 80): break

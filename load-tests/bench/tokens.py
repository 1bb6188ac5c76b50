"""Issues bearer tokens from the development stack's token endpoint, one per line on stdout.

usage: tokens.py TOKEN_URL PREFIX ROLE COUNT   (subjects PREFIX1 .. PREFIXn)
One keep-alive connection, so a few thousand tokens take seconds, not minutes.
"""
import http.client
import json
import sys
from urllib.parse import urlsplit


def main(url, prefix, role, count):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)
    for i in range(1, count + 1):
        body = json.dumps({"subject": f"{prefix}{i}", "roles": [role]})
        connection.request("POST", parts.path, body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        answer = response.read()
        if response.status != 200:
            sys.exit(f"token endpoint answered {response.status}: {answer[:200]!r}")
        print(json.loads(answer)["token"])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))

package org.fairrush.ops;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.google.gson.Gson;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fairrush.ops.YamlTree.map;
import static org.fairrush.ops.YamlTree.maps;
import static org.fairrush.ops.YamlTree.strings;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Renders every kustomization under k8s/ with {@code kubectl kustomize}, the way a deployment does, and
 * validates each rendered document offline against the Kubernetes API's own models (client-java-api,
 * generated from the API's OpenAPI document: an unknown or misplaced field, a missing required field or a
 * wrong nesting fails). The operators' resources (Strimzi, CloudNativePG, redis-operator, Prometheus
 * Operator) have no schema here; they are listed by kind, so a misspelt core kind cannot pass as one.
 * Then the rules of the rendered result: no service-account token in any pod, default-deny network
 * policies with the paths that must be open, images by digest, and the Kafka client's TLS and SCRAM
 * settings as the application binds them.
 *
 * <p>Needs kubectl (Debian package {@code kubectl}); on a machine without it the test is skipped with
 * that message, and {@link KubernetesManifestsTest} still checks the files as written.
 */
class RenderedManifestsTest {

    private static final Path K8S = Path.of("k8s");
    private static final String MODELS = "io.kubernetes.client.openapi.models.";
    /** Custom resources of the example's operators: validated by their operators' admission, not here. */
    private static final Set<String> OPERATOR_KINDS = Set.of(
            "kafka.strimzi.io/v1beta2 Kafka", "kafka.strimzi.io/v1beta2 KafkaNodePool",
            "kafka.strimzi.io/v1beta2 KafkaTopic", "kafka.strimzi.io/v1beta2 KafkaUser",
            "postgresql.cnpg.io/v1 Cluster",
            "redis.redis.opstreelabs.in/v1beta2 RedisReplication", "redis.redis.opstreelabs.in/v1beta2 RedisSentinel",
            "monitoring.coreos.com/v1 PodMonitor", "monitoring.coreos.com/v1 PrometheusRule");
    private static final Pattern BY_DIGEST = Pattern.compile(".+@sha256:[0-9a-f]{64}");

    private record Document(Path kustomization, Map<String, Object> body) {

        String kind() {
            return (String) body.get("kind");
        }

        String apiVersion() {
            return (String) body.get("apiVersion");
        }

        String name() {
            return (String) map(body, "metadata").get("name");
        }

        @Override
        public String toString() {
            return kustomization + ": " + apiVersion() + " " + kind() + " " + name();
        }
    }

    private static final Map<Path, List<Document>> rendered = new LinkedHashMap<>();

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void render() throws IOException, InterruptedException {
        Optional<Path> kubectl = onPath("kubectl");
        assumeTrue(kubectl.isPresent(), "kubectl is not on the PATH (apt-get install kubectl): the rendered manifests are not validated");
        List<Path> kustomizations;
        try (Stream<Path> files = Files.walk(K8S)) {
            kustomizations = files.filter(f -> f.getFileName().toString().equals("kustomization.yaml")).map(Path::getParent).sorted().toList();
        }
        assertThat(kustomizations).contains(K8S.resolve("base"), K8S.resolve("overlays/example"));
        for (Path dir : kustomizations) {
            Process process = new ProcessBuilder(kubectl.get().toString(), "kustomize", dir.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String yaml = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("kubectl kustomize " + dir + " finished").isTrue();
            assertThat(process.exitValue()).as("kubectl kustomize " + dir).isZero();
            List<Document> documents = new ArrayList<>();
            for (Object document : new Yaml().loadAll(yaml)) {
                if (document != null) {
                    documents.add(new Document(dir, (Map<String, Object>) document));
                }
            }
            rendered.put(dir, documents);
        }
    }

    @Test
    void everyRenderedDocumentIsValidAgainstTheKubernetesSchemasOrAKnownOperatorKind() {
        Gson gson = new Gson();
        Set<String> validated = new TreeSet<>();
        List<String> invalid = new ArrayList<>();
        for (Document document : all()) {
            assertThat(document.name()).as(document + " metadata.name").isNotBlank();
            String type = document.apiVersion() + " " + document.kind();
            Optional<Class<?>> model = model(document.apiVersion(), document.kind());
            if (model.isEmpty()) {
                assertThat(OPERATOR_KINDS).as(document + ": no Kubernetes schema and not an operator's kind").contains(type);
                continue;
            }
            try {
                Method validate = model.get().getMethod("validateJsonElement", com.google.gson.JsonElement.class);
                validate.invoke(null, gson.toJsonTree(document.body()));
                validated.add(type);
            } catch (InvocationTargetException e) {
                invalid.add(document + ": " + e.getCause().getMessage());
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
        assertThat(invalid).as("documents the Kubernetes schemas reject").isEmpty();
        assertThat(validated).contains("apps/v1 Deployment", "v1 Service", "v1 ConfigMap", "v1 ServiceAccount",
                "autoscaling/v2 HorizontalPodAutoscaler", "policy/v1 PodDisruptionBudget", "networking.k8s.io/v1 NetworkPolicy");
    }

    @Test
    void theValidationRejectsAnUnknownFieldAndAMissingRequiredOne() throws Exception {
        Method validate = model("apps/v1", "Deployment").orElseThrow().getMethod("validateJsonElement", com.google.gson.JsonElement.class);
        Map<String, Object> deployment = deepCopy(deployment(K8S.resolve("base"), "fairrush-api").body());
        map(map(deployment, "spec"), "template").put("sepc", Map.of());
        assertRejected(validate, deployment, "sepc");

        Map<String, Object> noSelector = deepCopy(deployment(K8S.resolve("base"), "fairrush-api").body());
        map(noSelector, "spec").remove("selector");
        assertRejected(validate, noSelector, "selector");
    }

    @Test
    void noPodMountsAServiceAccountToken() {
        for (Document deployment : ofKind("Deployment")) {
            Map<String, Object> pod = podSpec(deployment);
            assertThat(pod).as(deployment.toString()).containsEntry("automountServiceAccountToken", false);
            String account = (String) pod.get("serviceAccountName");
            Document serviceAccount = ofKind("ServiceAccount").stream()
                    .filter(sa -> sa.kustomization().equals(deployment.kustomization()) && sa.name().equals(account))
                    .findFirst().orElseThrow(() -> new AssertionError(deployment + " names no ServiceAccount of its own"));
            assertThat(serviceAccount.body()).containsEntry("automountServiceAccountToken", false);
        }
    }

    @Test
    void networkPoliciesDenyByDefaultAndOpenOnlyTheIngressToHttpAndPrometheusToManagement() {
        for (Path kustomization : rendered.keySet()) {
            List<Document> policies = inKustomization(kustomization, "NetworkPolicy");
            for (Document deployment : inKustomization(kustomization, "Deployment")) {
                Map<String, Object> labels = podLabels(deployment);
                List<Map<String, Object>> selecting = policies.stream().map(p -> map(p.body(), "spec"))
                        .filter(spec -> selects(map(spec, "podSelector"), labels)).toList();
                assertThat(selecting).as(deployment + ": a policy closing ingress and egress")
                        .anyMatch(spec -> strings(spec.get("policyTypes")).containsAll(List.of("Ingress", "Egress"))
                                && spec.get("ingress") == null && spec.get("egress") == null);
                Map<String, Set<String>> openPorts = new LinkedHashMap<>();
                for (Map<String, Object> spec : selecting) {
                    for (Map<String, Object> rule : maps(spec.get("ingress"))) {
                        assertThat(maps(rule.get("from"))).as(deployment + ": an ingress rule names its peers").isNotEmpty();
                        assertThat(maps(rule.get("ports"))).as(deployment + ": an ingress rule names its ports").isNotEmpty();
                        for (Map<String, Object> port : maps(rule.get("ports"))) {
                            for (Map<String, Object> peer : maps(rule.get("from"))) {
                                openPorts.computeIfAbsent(String.valueOf(port.get("port")), p -> new TreeSet<>())
                                        .add(String.valueOf(map(map(peer, "namespaceSelector"), "matchLabels").get("kubernetes.io/metadata.name")));
                            }
                        }
                    }
                }
                boolean api = "api".equals(labels.get("app.kubernetes.io/component"));
                Map<String, Set<String>> expected = api
                        ? Map.of("http", Set.of("ingress-nginx"), "management", Set.of("monitoring"))
                        : Map.of("management", Set.of("monitoring"));
                assertThat(openPorts).as(deployment + ": port -> namespaces allowed in").isEqualTo(expected);
            }
        }
    }

    @Test
    void theExamplesPodsReachRedisSentinelKafkaAndPostgresOnTheirPortsOnly() {
        Path example = K8S.resolve("overlays/example");
        for (Document deployment : inKustomization(example, "Deployment")) {
            Set<String> ports = new TreeSet<>();
            inKustomization(example, "NetworkPolicy").stream().map(p -> map(p.body(), "spec"))
                    .filter(spec -> selects(map(spec, "podSelector"), podLabels(deployment)))
                    .flatMap(spec -> maps(spec.get("egress")).stream())
                    .forEach(rule -> {
                        assertThat(maps(rule.get("ports"))).as(deployment + ": an egress rule names its ports").isNotEmpty();
                        maps(rule.get("ports")).forEach(port -> ports.add(port.get("protocol") + "/" + port.get("port")));
                    });
            assertThat(ports).as(deployment + " may reach").containsExactlyInAnyOrder(
                    "UDP/53", "TCP/53", "TCP/443", "TCP/6379", "TCP/26379", "TCP/9093", "TCP/5432");
        }
    }

    @Test
    void theExampleReferencesEveryImageByDigest() {
        List<String> images = new ArrayList<>();
        for (Document document : rendered.get(K8S.resolve("overlays/example"))) {
            collectImages(document.body(), images);
        }
        assertThat(images).hasSizeGreaterThanOrEqualTo(6).allMatch(image -> BY_DIGEST.matcher(image).matches(), "pinned by @sha256 digest");
    }

    @Test
    void theExampleKafkaClientSpeaksTlsAndScramToTheListenerThatRequiresThem() {
        Path example = K8S.resolve("overlays/example");
        Document kafka = inKustomization(example, "Kafka").get(0);
        List<Map<String, Object>> listeners = maps(map(map(kafka.body(), "spec"), "kafka").get("listeners"));
        assertThat(listeners).as("listeners of the example's Kafka").hasSize(1);
        Map<String, Object> listener = listeners.get(0);
        assertThat(listener).containsEntry("tls", true);
        assertThat(map(listener, "authentication")).containsEntry("type", "scram-sha-512");
        Document user = inKustomization(example, "KafkaUser").get(0);
        assertThat(map(map(user.body(), "spec"), "authentication")).containsEntry("type", "scram-sha-512");

        Map<String, String> config = stringMap(map(inKustomization(example, "ConfigMap").stream()
                .filter(c -> c.name().startsWith("fairrush-config")).findFirst().orElseThrow().body(), "data"));
        for (Document deployment : inKustomization(example, "Deployment")) {
            Map<String, Object> container = maps(podSpec(deployment).get("containers")).get(0);
            Map<String, Object> environment = new LinkedHashMap<>(config);
            for (Map<String, Object> variable : maps(container.get("env"))) {
                Object value = variable.get("value");
                if (value == null) {
                    Map<String, Object> secret = map(map(variable, "valueFrom"), "secretKeyRef");
                    value = "secret " + secret.get("name") + "/" + secret.get("key");
                }
                environment.put((String) variable.get("name"), value);
            }
            StandardEnvironment spring = new StandardEnvironment();
            // Under the system environment's name: Boot maps SPRING_KAFKA_... to spring.kafka... for that source only.
            spring.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                    new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment));
            KafkaProperties kafkaProperties = Binder.get(spring).bindOrCreate("spring.kafka", KafkaProperties.class);
            for (Map<String, Object> client : List.of(kafkaProperties.buildProducerProperties(), kafkaProperties.buildConsumerProperties(),
                    kafkaProperties.buildAdminProperties())) {
                assertThat(client).as(deployment + " Kafka client")
                        .containsEntry(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, List.of(kafka.name() + "-kafka-bootstrap:" + listener.get("port")))
                        .containsEntry(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL")
                        .containsEntry(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512")
                        .containsEntry(SaslConfigs.SASL_JAAS_CONFIG, "secret " + user.name() + "/sasl.jaas.config")
                        .containsEntry(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
                String trustStore = (String) client.get(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG);
                Map<String, Object> mount = maps(container.get("volumeMounts")).stream()
                        .filter(m -> trustStore.startsWith(m.get("mountPath") + "/")).findFirst()
                        .orElseThrow(() -> new AssertionError(deployment + ": nothing mounted at " + trustStore));
                Map<String, Object> volume = maps(podSpec(deployment).get("volumes")).stream()
                        .filter(v -> v.get("name").equals(mount.get("name"))).findFirst().orElseThrow();
                assertThat(map(volume, "secret")).containsEntry("secretName", kafka.name() + "-cluster-ca-cert");
            }
        }
    }

    // ---- helpers

    /** The client-java model of a type: version "v1" and kind "Deployment" give V1Deployment. */
    private static Optional<Class<?>> model(String apiVersion, String kind) {
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        try {
            return Optional.of(Class.forName(MODELS + Character.toUpperCase(version.charAt(0)) + version.substring(1) + kind));
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        }
    }

    private static void assertRejected(Method validate, Map<String, Object> body, String naming) throws IllegalAccessException {
        try {
            validate.invoke(null, new Gson().toJsonTree(body));
            fail("accepted a deployment that should fail on " + naming);
        } catch (InvocationTargetException e) {
            assertThat(e.getCause()).hasMessageContaining(naming);
        }
    }

    @SuppressWarnings("unchecked")
    private static void collectImages(Object node, List<String> into) {
        if (node instanceof Map<?, ?> object) {
            object.forEach((key, value) -> {
                if (("image".equals(key) || "imageName".equals(key)) && value instanceof String image) {
                    into.add(image);
                } else {
                    collectImages(value, into);
                }
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collectImages(item, into));
        }
    }

    private static boolean selects(Map<String, Object> podSelector, Map<String, Object> labels) {
        Object matchLabels = podSelector.get("matchLabels");
        return matchLabels == null || labels.entrySet().containsAll(((Map<?, ?>) matchLabels).entrySet());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> body) {
        return new Yaml().load(new Yaml().dump(body));
    }

    private static List<Document> all() {
        return rendered.values().stream().flatMap(List::stream).toList();
    }

    private static List<Document> ofKind(String kind) {
        return all().stream().filter(d -> kind.equals(d.kind())).toList();
    }

    private static List<Document> inKustomization(Path kustomization, String kind) {
        return rendered.get(kustomization).stream().filter(d -> kind.equals(d.kind())).toList();
    }

    private static Document deployment(Path kustomization, String name) {
        return inKustomization(kustomization, "Deployment").stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }

    private static Map<String, Object> podSpec(Document deployment) {
        return map(map(map(deployment.body(), "spec"), "template"), "spec");
    }

    private static Map<String, Object> podLabels(Document deployment) {
        return map(map(map(map(deployment.body(), "spec"), "template"), "metadata"), "labels");
    }

    private static Optional<Path> onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, command)).filter(Files::isExecutable).findFirst();
    }

    private static Map<String, String> stringMap(Map<String, Object> map) {
        Map<String, String> strings = new LinkedHashMap<>();
        map.forEach((key, value) -> strings.put(key, String.valueOf(value)));
        return strings;
    }
}

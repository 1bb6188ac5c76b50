package org.fairrush.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fairrush.ops.YamlTree.map;
import static org.fairrush.ops.YamlTree.maps;
import static org.fairrush.ops.YamlTree.strings;

/**
 * Reads every manifest under k8s/ and checks the wiring a typo would break without any tool noticing
 * until the rollout: selectors and labels, named ports, probe paths and health groups, environment
 * variables against the application's properties, and the example data services against the config.
 */
class KubernetesManifestsTest {

    private static final Path K8S = Path.of("k8s");
    private static final Path BASE = K8S.resolve("base");
    private static final Path EXAMPLE = K8S.resolve("overlays/example");
    private static final Set<String> CLAIM_TOPICS = Set.of("voucher-claims", "stall-registrations");
    private static final String DEAD_LETTERS = "dead-letters";
    /** Variables the JVM reads itself, not Spring. */
    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

    private record Manifest(Path file, Map<String, Object> body) {

        String kind() {
            return (String) body.get("kind");
        }

        String name() {
            return (String) map(body, "metadata").get("name");
        }
    }

    private static final List<Manifest> manifests = new ArrayList<>();
    private static Map<String, Object> applicationYml;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void readManifests() throws IOException {
        try (Stream<Path> files = Files.walk(K8S)) {
            // Patches (*-patch.yaml) are fragments of a resource, checked where they land (RenderedManifestsTest);
            // kustomizeconfig.yaml configures kustomize itself.
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml") && !f.toString().endsWith("-patch.yaml")
                    && !f.endsWith("kustomizeconfig.yaml")).sorted().toList()) {
                for (Object document : new Yaml().loadAll(Files.readString(file))) {
                    if (document != null) {
                        manifests.add(new Manifest(file, (Map<String, Object>) document));
                    }
                }
            }
        }
        try (InputStream in = KubernetesManifestsTest.class.getResourceAsStream("/application.yml")) {
            applicationYml = new Yaml().load(in);
        }
    }

    @Test
    void everyManifestHasAnApiVersionKindAndName() {
        assertThat(manifests).hasSizeGreaterThan(15);
        for (Manifest manifest : manifests) {
            assertThat(manifest.body()).as(manifest.file().toString()).containsKeys("apiVersion", "kind");
            if (!manifest.kind().equals("Kustomization")) {
                assertThat(manifest.name()).as(manifest.file() + " metadata.name").isNotBlank();
            }
        }
    }

    @Test
    void kustomizationsNameOnlyFilesThatExist() {
        for (Manifest kustomization : ofKind("Kustomization")) {
            Path dir = kustomization.file().getParent();
            for (String resource : strings(kustomization.body().get("resources"))) {
                assertThat(dir.resolve(resource)).as(kustomization.file() + " resource").exists();
            }
            for (Map<String, Object> generator : maps(kustomization.body().get("configMapGenerator"))) {
                for (String envFile : strings(generator.get("envs"))) {
                    assertThat(dir.resolve(envFile)).as(kustomization.file() + " env file").isRegularFile();
                }
            }
        }
        try (Stream<Path> files = Files.list(BASE)) {
            Set<String> listed = Set.copyOf(strings(kustomization(BASE).get("resources")));
            files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".yaml") && !f.equals("kustomization.yaml"))
                    .forEach(f -> assertThat(listed).as("base/kustomization.yaml lists " + f).contains(f));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void deploymentSelectorsMatchTheirPodLabels() {
        assertThat(deployments()).extracting(Manifest::name).containsExactlyInAnyOrder("fairrush-api", "fairrush-persister");
        for (Manifest deployment : deployments()) {
            assertThat(podLabels(deployment)).as(deployment.name()).containsAllEntriesOf(matchLabels(map(deployment.body(), "spec")));
        }
    }

    @Test
    void servicesSelectOneDeploymentAndItsNamedPorts() {
        for (Manifest service : ofKind("Service")) {
            Map<String, Object> spec = map(service.body(), "spec");
            Map<String, Object> selector = map(spec, "selector");
            List<Manifest> selected = deployments().stream().filter(d -> podLabels(d).entrySet().containsAll(selector.entrySet())).toList();
            assertThat(selected).as(service.name() + " selects").hasSize(1);
            Set<String> portNames = containerPortNames(selected.get(0));
            for (Map<String, Object> port : maps(spec.get("ports"))) {
                assertThat(portNames).as(service.name() + " targetPort").contains(String.valueOf(port.get("targetPort")));
            }
        }
    }

    @Test
    void probesUseTheHealthGroupsOnTheManagementPort() {
        Map<String, Object> groups = map(map(map(map(applicationYml, "management"), "endpoint"), "health"), "group");
        assertThat(groups).containsKeys("liveness", "readiness");
        Map<String, String> config = envFile(BASE.resolve("config.env"));
        for (Manifest deployment : deployments()) {
            Map<String, Object> container = container(deployment);
            Map<String, Object> ports = containerPorts(container);
            assertThat(ports.get("management")).as("management containerPort").isEqualTo(Integer.valueOf(config.get("MANAGEMENT_SERVER_PORT")));
            assertThat(probe(container, "livenessProbe")).containsEntry("path", "/actuator/health/liveness").containsEntry("port", "management");
            assertThat(probe(container, "startupProbe")).containsEntry("path", "/actuator/health/liveness").containsEntry("port", "management");
            assertThat(probe(container, "readinessProbe")).containsEntry("path", "/actuator/health/readiness").containsEntry("port", "management");
        }
        Map<String, Object> api = containerPorts(container(deployment("fairrush-api")));
        assertThat(api.get("http")).isEqualTo(Integer.valueOf(config.get("SERVER_PORT")));
    }

    @Test
    void everyContainerRequestsCpuAndMemoryAndLimitsMemory() {
        for (Manifest deployment : deployments()) {
            Map<String, Object> resources = map(container(deployment), "resources");
            assertThat(map(resources, "requests")).as(deployment.name()).containsKeys("cpu", "memory");
            assertThat(map(resources, "limits")).as(deployment.name()).containsKey("memory");
            assertThat(map(resources, "limits").get("memory")).isEqualTo(map(resources, "requests").get("memory"));
        }
    }

    @Test
    void autoscalersScaleTheApiOnCpuAndRequestRateAndBudgetsCoverBothDeployments() {
        Set<String> deploymentNames = deployments().stream().map(Manifest::name).collect(Collectors.toSet());
        for (Manifest hpa : ofKind("HorizontalPodAutoscaler")) {
            Map<String, Object> spec = map(hpa.body(), "spec");
            assertThat(deploymentNames).contains((String) map(spec, "scaleTargetRef").get("name"));
            assertThat((Integer) spec.get("minReplicas")).isLessThanOrEqualTo((Integer) spec.get("maxReplicas"));
        }
        List<String> apiMetrics = maps(map(hpa("fairrush-api").body(), "spec").get("metrics")).stream()
                .map(metric -> (String) metric.get("type")).toList();
        assertThat(apiMetrics).contains("Resource", "Pods");
        Set<String> budgeted = new HashSet<>();
        for (Manifest pdb : ofKind("PodDisruptionBudget")) {
            Map<String, Object> selector = matchLabels(map(pdb.body(), "spec"));
            deployments().stream().filter(d -> podLabels(d).entrySet().containsAll(selector.entrySet()))
                    .forEach(d -> budgeted.add(d.name()));
        }
        assertThat(budgeted).isEqualTo(deploymentNames);
    }

    @Test
    void environmentVariablesAreApplicationPropertiesInTheirEnvironmentForm() {
        Set<String> known = knownPropertiesAsEnvironmentVariables();
        Set<String> used = new HashSet<>();
        for (Manifest deployment : deployments()) {
            maps(container(deployment).get("env")).forEach(variable -> used.add((String) variable.get("name")));
        }
        used.addAll(envFile(BASE.resolve("config.env")).keySet());
        used.addAll(envFile(EXAMPLE.resolve("config.env")).keySet());
        used.removeAll(JVM_VARIABLES);
        Set<String> unbound = new HashSet<>(used);
        unbound.removeAll(known);
        // Free-form maps such as spring.kafka.properties take any key after their prefix (sasl.mechanism...).
        unbound.removeIf(variable -> known.stream().anyMatch(property -> property.endsWith("_PROPERTIES") && variable.startsWith(property + "_")));
        assertThat(unbound).as("environment variables that no property of the application binds").isEmpty();
        assertThat(used).contains("SPRING_R2DBC_URL", "SPRING_R2DBC_USERNAME", "SPRING_R2DBC_PASSWORD", "SPRING_DATA_REDIS_URL",
                "SPRING_KAFKA_BOOTSTRAPSERVERS", "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUERURI", "FAIRRUSH_RUSH_PERSISTER_ENABLED");
    }

    @Test
    void onlyThePersisterDeploymentRunsThePersisterAndWaitsForPostgres() {
        assertThat(env(deployment("fairrush-api"))).containsEntry("FAIRRUSH_RUSH_PERSISTER_ENABLED", "false")
                .doesNotContainKey("MANAGEMENT_ENDPOINT_HEALTH_GROUP_READINESS_INCLUDE");
        Map<String, String> persister = env(deployment("fairrush-persister"));
        assertThat(persister).containsEntry("FAIRRUSH_RUSH_PERSISTER_ENABLED", "true");
        assertThat(List.of(persister.get("MANAGEMENT_ENDPOINT_HEALTH_GROUP_READINESS_INCLUDE").split(",")))
                .contains("readinessState", "redis", "kafka", "r2dbc");
        assertThat(containerPortNames(deployment("fairrush-persister"))).doesNotContain("http");
    }

    @Test
    void exampleTopicsAreTheClaimTopicsWithTwoInSyncReplicasAndEnoughPartitions() {
        String prefix = (String) map(map(applicationYml, "fairrush"), "rush").get("topic-prefix");
        Map<String, String> config = envFile(EXAMPLE.resolve("config.env"));
        int persisterMax = (Integer) map(hpa("fairrush-persister").body(), "spec").get("maxReplicas");
        List<Manifest> topics = ofKind("KafkaTopic");
        List<String> expected = new ArrayList<>(CLAIM_TOPICS.stream().map(topic -> prefix + topic).toList());
        expected.add(prefix + DEAD_LETTERS);
        assertThat(topics).extracting(topic -> (String) map(topic.body(), "spec").get("topicName"))
                .containsExactlyInAnyOrderElementsOf(expected);
        for (Manifest topic : topics) {
            Map<String, Object> spec = map(topic.body(), "spec");
            assertThat(map(spec, "config")).containsEntry("min.insync.replicas", 2);
            assertThat((Integer) spec.get("replicas")).isGreaterThanOrEqualTo(3);
            assertThat(map(topic.body(), "metadata").get("labels")).isEqualTo(Map.of("strimzi.io/cluster", only("Kafka").name()));
            if (!spec.get("topicName").equals(prefix + DEAD_LETTERS)) {
                assertThat(spec.get("partitions")).isEqualTo(Integer.valueOf(config.get("FAIRRUSH_RUSH_TOPICPARTITIONS")));
                assertThat(persisterMax).isLessThanOrEqualTo((Integer) spec.get("partitions"));
            }
        }
        Map<String, Object> kafka = map(map(only("Kafka").body(), "spec"), "kafka");
        assertThat(map(kafka, "config")).containsEntry("min.insync.replicas", 2).containsEntry("default.replication.factor", 3);
    }

    @Test
    void exampleConfigPointsAtTheExampleServices() {
        Map<String, String> config = envFile(EXAMPLE.resolve("config.env"));
        Manifest kafka = only("Kafka");
        Object plainPort = maps(map(map(kafka.body(), "spec"), "kafka").get("listeners")).get(0).get("port");
        assertThat(config.get("SPRING_KAFKA_BOOTSTRAPSERVERS")).isEqualTo(kafka.name() + "-kafka-bootstrap:" + plainPort);

        Manifest postgres = only("Cluster");
        String database = (String) map(map(map(postgres.body(), "spec"), "bootstrap"), "initdb").get("database");
        assertThat(config.get("SPRING_R2DBC_URL")).isEqualTo("r2dbc:postgresql://" + postgres.name() + "-rw:5432/" + database);
        for (Manifest deployment : deployments()) {
            assertThat(secretOf(deployment, "SPRING_R2DBC_USERNAME")).isEqualTo(postgres.name() + "-app");
            assertThat(secretOf(deployment, "SPRING_R2DBC_PASSWORD")).isEqualTo(postgres.name() + "-app");
        }

        Manifest sentinel = only("RedisSentinel");
        Map<String, Object> sentinelConfig = map(map(sentinel.body(), "spec"), "redisSentinelConfig");
        assertThat(config.get("SPRING_DATA_REDIS_SENTINEL_MASTER")).isEqualTo(sentinelConfig.get("masterGroupName"));
        assertThat(config.get("SPRING_DATA_REDIS_SENTINEL_NODES")).isEqualTo(sentinel.name() + "-sentinel:26379");
        Manifest replication = only("RedisReplication");
        assertThat(sentinelConfig.get("redisReplicationName")).isEqualTo(replication.name());
        for (Manifest deployment : deployments()) {
            assertThat(secretOf(deployment, "SPRING_DATA_REDIS_PASSWORD"))
                    .isEqualTo(map(map(map(replication.body(), "spec"), "kubernetesConfig"), "redisSecret").get("name"));
        }
        String redisConfigMap = (String) map(map(replication.body(), "spec"), "redisConfig").get("additionalRedisConfig");
        String redisConf = (String) map(configMap(redisConfigMap).body(), "data").get("redis-additional.conf");
        assertThat(redisConf.lines().map(String::trim).toList()).contains("appendonly yes", "appendfsync everysec", "maxmemory-policy noeviction");
    }

    @Test
    void redisHasAMemoryCeilingWithoutEvictionAndAnAlertWellBeforeIt() throws IOException {
        Manifest replication = only("RedisReplication");
        String redisConfigMap = (String) map(map(replication.body(), "spec"), "redisConfig").get("additionalRedisConfig");
        String redisConf = (String) map(configMap(redisConfigMap).body(), "data").get("redis-additional.conf");
        assertThat(redisConf.lines().map(String::trim).toList()).contains("maxmemory-policy noeviction")
                .anyMatch(line -> line.matches("maxmemory \\d+mb"));
        assertThat(map(map(replication.body(), "spec"), "redisExporter")).containsEntry("enabled", true);

        List<Map<String, Object>> rules = maps(map(only("PrometheusRule").body(), "spec").get("groups")).stream()
                .flatMap(group -> maps(group.get("rules")).stream()).toList();
        Map<String, Object> alert = rules.stream().filter(rule -> "FairrushRedisMemoryHigh".equals(rule.get("alert"))).findFirst()
                .orElseThrow(() -> new AssertionError("no FairrushRedisMemoryHigh alert"));
        assertThat((String) alert.get("expr")).contains("redis_memory_used_bytes", "redis_memory_max_bytes", "0.70");
        assertThat(Files.readString(Path.of("docs/operations.md"))).contains("#### FairrushRedisMemoryHigh");
    }

    @Test
    void theExampleImageReplacesTheBaseImageName() {
        Map<String, Object> image = maps(kustomization(EXAMPLE).get("images")).get(0);
        for (Manifest deployment : deployments()) {
            assertThat(container(deployment).get("image")).isEqualTo(image.get("name"));
        }
        assertThat((String) image.get("newName")).endsWith("/fairrush");
    }

    // ---- reading helpers

    private static Set<String> knownPropertiesAsEnvironmentVariables() {
        Set<String> known = new HashSet<>();
        flatten("", applicationYml, known);
        JsonMapper json = JsonMapper.builder().build();
        try {
            for (URL metadata : Collections.list(KubernetesManifestsTest.class.getClassLoader()
                    .getResources("META-INF/spring-configuration-metadata.json"))) {
                try (InputStream in = metadata.openStream()) {
                    JsonNode properties = json.readTree(in).path("properties");
                    properties.forEach(property -> known.add(property.path("name").asString()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(known).as("Boot's configuration metadata on the test classpath").contains("spring.r2dbc.url");
        return known.stream().map(KubernetesManifestsTest::environmentForm).collect(Collectors.toSet());
    }

    /** Spring Boot's canonical environment form: dots to underscores, dashes removed, upper case. */
    static String environmentForm(String property) {
        return property.replace(".", "_").replace("-", "").toUpperCase();
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> yaml, Set<String> into) {
        yaml.forEach((key, value) -> {
            String name = prefix.isEmpty() ? key : prefix + "." + key;
            if (value instanceof Map<?, ?> nested) {
                flatten(name, (Map<String, Object>) nested, into);
            } else {
                into.add(name);
            }
        });
    }

    private static Map<String, String> envFile(Path file) {
        try {
            Map<String, String> env = new LinkedHashMap<>();
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    int eq = line.indexOf('=');
                    env.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            return env;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Manifest> ofKind(String kind) {
        return manifests.stream().filter(m -> kind.equals(m.kind())).toList();
    }

    private static Manifest only(String kind) {
        List<Manifest> found = ofKind(kind);
        assertThat(found).as("one " + kind).hasSize(1);
        return found.get(0);
    }

    private static List<Manifest> deployments() {
        return ofKind("Deployment");
    }

    private static Manifest deployment(String name) {
        return deployments().stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }

    private static Manifest hpa(String name) {
        return ofKind("HorizontalPodAutoscaler").stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }

    private static Manifest configMap(String name) {
        return ofKind("ConfigMap").stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }

    private static Map<String, Object> kustomization(Path dir) {
        return ofKind("Kustomization").stream().filter(k -> k.file().getParent().equals(dir)).findFirst().orElseThrow().body();
    }

    private static Map<String, Object> matchLabels(Map<String, Object> spec) {
        return map(map(spec, "selector"), "matchLabels");
    }

    private static Map<String, Object> podLabels(Manifest deployment) {
        return map(map(map(map(deployment.body(), "spec"), "template"), "metadata"), "labels");
    }

    private static Map<String, Object> container(Manifest deployment) {
        List<Map<String, Object>> containers = maps(map(map(map(deployment.body(), "spec"), "template"), "spec").get("containers"));
        assertThat(containers).as(deployment.name() + " containers").hasSize(1);
        return containers.get(0);
    }

    private static Map<String, Object> containerPorts(Map<String, Object> container) {
        Map<String, Object> ports = new LinkedHashMap<>();
        maps(container.get("ports")).forEach(port -> ports.put((String) port.get("name"), port.get("containerPort")));
        return ports;
    }

    private static Set<String> containerPortNames(Manifest deployment) {
        return containerPorts(container(deployment)).keySet();
    }

    private static Map<String, Object> probe(Map<String, Object> container, String name) {
        return map(map(container, name), "httpGet");
    }

    private static Map<String, String> env(Manifest deployment) {
        Map<String, String> env = new LinkedHashMap<>();
        maps(container(deployment).get("env")).forEach(variable -> env.put((String) variable.get("name"), (String) variable.get("value")));
        return env;
    }

    private static String secretOf(Manifest deployment, String variable) {
        return maps(container(deployment).get("env")).stream()
                .filter(v -> variable.equals(v.get("name")))
                .map(v -> (String) map(map(v, "valueFrom"), "secretKeyRef").get("name"))
                .findFirst().orElseThrow(() -> new AssertionError(deployment.name() + " has no " + variable));
    }
}

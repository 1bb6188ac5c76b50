import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How one topic's records spread over its partitions, and how a consumer group split them, for bench.sh's bucket drains
 * (docs/benchmarks.md, issue 16): records per partition (end minus start offset), and with GROUP each member of the group
 * (a persister JVM) with its partitions of TOPIC and the records up to the group's committed offsets in them (a group
 * that started at the earliest position: what that member stored, unless a rebalance moved a partition mid-drain).
 *
 * usage: java -cp KAFKA_CLIENTS_AND_SLF4J_JARS TopicSpread.java BOOTSTRAP TOPIC [GROUP]
 * prints one JSON object: {"partitions": {"0": n, ...}, "members": [{"client": id, "partitions": [..], "records": n}]}
 */
public class TopicSpread {

    public static void main(String[] args) throws Exception {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        String topic = args[1];
        try (Admin admin = Admin.create(config)) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
            List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                all.add(new TopicPartition(topic, p));
            }
            Map<TopicPartition, Long> start = offsets(admin, all, OffsetSpec.earliest());
            Map<TopicPartition, Long> end = offsets(admin, all, OffsetSpec.latest());
            Map<Integer, Long> records = new TreeMap<>();
            all.forEach(tp -> records.put(tp.partition(), end.get(tp) - start.get(tp)));
            StringBuilder json = new StringBuilder("{\"topic\": \"" + topic + "\", \"partitions\": {");
            json.append(records.entrySet().stream().map(e -> "\"" + e.getKey() + "\": " + e.getValue()).collect(Collectors.joining(", ")));
            json.append("}, \"members\": [");
            if (args.length > 2) {
                String group = args[2];
                ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS);
                List<String> members = new ArrayList<>();
                for (MemberDescription member : description.members()) {
                    List<TopicPartition> mine = member.assignment().topicPartitions().stream()
                            .filter(tp -> tp.topic().equals(topic)).sorted((a, b) -> a.partition() - b.partition()).toList();
                    long stored = mine.stream().mapToLong(tp -> committed.containsKey(tp) && committed.get(tp) != null
                            ? committed.get(tp).offset() - start.get(tp) : 0).sum();
                    members.add("{\"client\": \"" + member.clientId() + "@" + member.host() + "\", \"partitions\": "
                            + mine.stream().map(tp -> Integer.toString(tp.partition())).collect(Collectors.joining(", ", "[", "]"))
                            + ", \"records\": " + stored + "}");
                }
                json.append(String.join(", ", members));
            }
            System.out.println(json.append("]}"));
        }
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> spec))).all().get(30, TimeUnit.SECONDS)
                .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }
}

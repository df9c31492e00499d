/*
 * Sample stateful streaming job for the integration tests of the native flink CLI.
 *
 * One source file that compiles unchanged (javac --release 11 -cp "$FLINK_HOME/lib/*") and runs on
 * Flink 1.20.x and 2.x. It only uses APIs present in both lines: the FLIP-27 fromSequence source,
 * keyBy with an explicit key type, a RichMapFunction that fetches its keyed state lazily (no
 * open(Configuration), which 2.x removed) and the sink-v2 DiscardingSink.
 *
 * Job graph (parallelism 1):
 *   vertex 1: Source: source (uid "source-id") -> throttle (uid "throttle-id", chained map)
 *   vertex 2: mapper (uid "mapper-id", keyed ValueState counter) -> sink (uid "sink-id")
 * With --without-mapper the "mapper-id" operator is left out, so restoring a savepoint of the full
 * job (whose mapper state is non-empty once records flowed) needs allowNonRestoredState (-n).
 *
 * Arguments (all optional, any order):
 *   --without-mapper     drop the stateful "mapper-id" operator
 *   --sleep-ms N         sleep N ms per record in the throttle map (default 50, i.e. ~20 records/s;
 *                        0 = no throttling); also accepted as --sleep-ms=N
 *   --name NAME          job name (default "cli-test-job"); also accepted as --name=NAME
 *   --count N            bounded: emit N records, then finish (default: practically unbounded)
 *   --snapshot-sleep-ms N  sleep N ms in the mapper's synchronous snapshot (default 0): a
 *                        savepoint that takes at least that long, to outlast client.timeout
 *   --help               print this usage on stdout and exit without running a job
 * Anything else is an error (IllegalArgumentException naming the argument).
 *
 * Build (the CI script scripts/flink-cluster.sh does this):
 *   javac --release 11 -nowarn -cp "$FLINK_HOME/lib/*" -d classes tests/flink-job/src/ci/StatefulJob.java
 *   jar --create --file stateful-job.jar --main-class ci.StatefulJob -C classes .
 */
package ci;

import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/** Args: see USAGE. */
public final class StatefulJob {

    static final String USAGE =
            "Usage: StatefulJob [--without-mapper] [--sleep-ms N] [--name NAME] [--count N]"
                    + " [--snapshot-sleep-ms N] [--help]";

    /** Parsed program arguments. */
    static final class Options {
        boolean withoutMapper = false;
        long sleepMs = 50L; // ~20 records/s: cheap on 2 cores
        String name = "cli-test-job";
        long count = Long.MAX_VALUE;
        long snapshotSleepMs = 0L;
        boolean help = false;
    }

    private StatefulJob() {}

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg == null) {
                throw new IllegalArgumentException("null argument at position " + i + ". " + USAGE);
            }
            String key = arg;
            String inlineValue = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 2) {
                key = arg.substring(0, eq);
                inlineValue = arg.substring(eq + 1);
            }
            // Options with a value take it from "--key=value" or from the next argument.
            String value = inlineValue;
            boolean takesValue = key.equals("--sleep-ms") || key.equals("--name") || key.equals("--count")
                    || key.equals("--snapshot-sleep-ms");
            if (takesValue && value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value for " + key + ". " + USAGE);
                }
                value = args[++i];
            }
            switch (key) {
                case "--without-mapper":
                    if (inlineValue != null) {
                        throw new IllegalArgumentException(
                                "--without-mapper takes no value: " + arg + ". " + USAGE);
                    }
                    o.withoutMapper = true;
                    break;
                case "--sleep-ms":
                    o.sleepMs = parseLong(key, value, 0);
                    break;
                case "--count":
                    o.count = parseLong(key, value, 1);
                    break;
                case "--snapshot-sleep-ms":
                    o.snapshotSleepMs = parseLong(key, value, 0);
                    break;
                case "--name":
                    if (value.isEmpty()) {
                        throw new IllegalArgumentException("--name must not be empty. " + USAGE);
                    }
                    o.name = value;
                    break;
                case "--help":
                case "-h":
                    o.help = true;
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument " + arg + ". " + USAGE);
            }
        }
        return o;
    }

    private static long parseLong(String key, String value, long min) {
        final long parsed;
        try {
            parsed = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " needs a whole number, got \"" + value + "\". " + USAGE);
        }
        if (parsed < min) {
            throw new IllegalArgumentException(key + " must be >= " + min + ", got " + parsed + ". " + USAGE);
        }
        return parsed;
    }

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        if (o.help) {
            System.out.println(USAGE);
            return;
        }
        final long delay = o.sleepMs;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // No setParallelism here: the cluster default (1) applies, and `flink run -p N` can override it.

        DataStream<Long> numbers = env.fromSequence(0L, o.count == Long.MAX_VALUE ? Long.MAX_VALUE : o.count - 1).uid("source-id").name("source");
        DataStream<Long> throttled = numbers
                .map(v -> {
                    if (delay > 0) {
                        Thread.sleep(delay);
                    }
                    return v;
                })
                .returns(Types.LONG)
                .uid("throttle-id")
                .name("throttle");
        DataStream<Long> out = o.withoutMapper
                ? throttled
                : throttled.keyBy(v -> v % 8, Types.LONG)
                        .map(new CountPerKey(o.snapshotSleepMs))
                        .uid("mapper-id")
                        .name("mapper");
        out.sinkTo(new DiscardingSink<>()).uid("sink-id").name("sink");
        env.execute(o.name);
    }

    /** Keyed counter: gives the savepoint non-empty keyed state under uid "mapper-id". */
    static final class CountPerKey extends RichMapFunction<Long, Long> implements CheckpointedFunction {
        private static final long serialVersionUID = 1L;
        private final long snapshotSleepMs;
        private transient ValueState<Long> count;

        CountPerKey(long snapshotSleepMs) {
            this.snapshotSleepMs = snapshotSleepMs;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            if (snapshotSleepMs > 0) {
                Thread.sleep(snapshotSleepMs); // a slow savepoint on demand (see --snapshot-sleep-ms)
            }
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {}

        @Override
        public Long map(Long value) throws Exception {
            if (count == null) {
                count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
            }
            Long c = count.value();
            long next = (c == null ? 0L : c) + 1;
            count.update(next);
            return next;
        }
    }
}

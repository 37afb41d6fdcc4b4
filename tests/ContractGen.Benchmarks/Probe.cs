using System.Diagnostics;
using System.Globalization;

namespace ContractGen.Benchmarks;

/// <summary>
/// <c>probe [--calls N] [--only TEXT]</c>: what BenchmarkDotNet does not show. Per-call latency percentiles of
/// sequential calls (BenchmarkDotNet's statistics are over iteration means), and what each call costs both
/// processes: CPU time, context switches and managed bytes allocated, on the client and on the server, per call, for
/// every system, workload and load of the benchmarks. Same server process, sockets and clients as the benchmarks.
/// </summary>
/// <remarks>
/// The scenarios run interleaved in rounds, so that a change in background load during the run spreads over all of
/// them instead of skewing one. CPU time per call and context switches per call move far less with background load
/// than wall-clock figures do. <c>--only</c> runs the scenario named TEXT, or else those whose name contains TEXT (for example under
/// <c>strace -c -f -p SERVERPID</c>).
/// </remarks>
internal static class Probe
{
    private const int Rounds = 10;

    public static async Task<int> RunAsync(int calls, string? only)
    {
        using var server = ServerProcess.Start();
        var sockets = server.Sockets;
        var clients = new Dictionary<BenchSystem, BenchClient[]>();
        var inFlight = Workloads.CreateSlots();
        var bursts = new ValueTask<long>[Workloads.Connections];

        var all = new List<Scenario>();
        foreach (var workload in Enum.GetValues<Workload>())
        {
            foreach (var system in Enum.GetValues<BenchSystem>())
            {
                var name = $"sequential {workload}: {Describe(system)}";
                all.Add(system == BenchSystem.RawBlocking
                    // The blocking client runs on a dedicated thread, as a synchronous caller would.
                    ? new(name, 1, samples => Task.Factory.StartNew(() => SequentialAsync(samples, Client(system), workload).AsTask().GetAwaiter().GetResult(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
                    : new(name, 1, samples => SequentialAsync(samples, Client(system), workload).AsTask()));
            }
        }

        foreach (var load in Enum.GetValues<Load>())
        {
            foreach (var system in Enum.GetValues<BenchSystem>().Where(s => s != BenchSystem.RawBlocking))
            {
                all.Add(new($"{load}: {Describe(system)}", Workloads.ThroughputCalls, samples => ThroughputAsync(samples, load, Clients(system))));
            }
        }

        var scenarios = all.Any(s => s.Name == only) ? all.Where(s => s.Name == only).ToArray()
            : all.Where(s => only is null || s.Name.Contains(only, StringComparison.OrdinalIgnoreCase)).ToArray();
        foreach (var scenario in scenarios)
        {
            // Connect (and check) before anything is measured.
            _ = Clients(SystemOf(scenario.Name));
        }

        Console.WriteLine($"server pid {server.ProcessId}; warming up");
        foreach (var scenario in scenarios)
        {
            var perRound = Math.Max(1, calls / Rounds / scenario.CallsPerSample);
            scenario.Samples = new long[perRound * Rounds];
            await scenario.Measure(new long[Math.Max(1, calls / 5 / scenario.CallsPerSample)]);
        }

        for (var round = 0; round < Rounds; round++)
        {
            foreach (var scenario in scenarios)
            {
                var perRound = scenario.Samples.Length / Rounds;
                var samples = scenario.Samples.AsMemory(round * perRound, perRound);
                var client = ProcessStats.Current();
                var service = server.GetStats();
                var start = Stopwatch.GetTimestamp();
                await scenario.Measure(samples);
                scenario.Elapsed += Stopwatch.GetElapsedTime(start);
                scenario.Client += ProcessStats.Current() - client;
                scenario.Server += server.GetStats() - service;
            }
        }

        Console.WriteLine($"{calls:N0} calls per scenario in {Rounds} interleaved rounds after {calls / 5:N0} warm-up calls; {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        Console.WriteLine($"(throughput: each sample is {Workloads.ThroughputCalls} calls, shown per call)");
        Console.WriteLine();
        Console.WriteLine("| scenario | p50 µs | p90 µs | p99 µs | p99.9 µs | calls/s | CPU µs/call client | CPU µs/call server | ctx sw/call client | ctx sw/call server | B/call client | B/call server |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var scenario in scenarios)
        {
            var samples = scenario.Samples;
            Array.Sort(samples);
            double n = samples.Length * scenario.CallsPerSample;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {scenario.Name} | {At(0.50):F1} | {At(0.90):F1} | {At(0.99):F1} | {At(0.999):F1} | {n / scenario.Elapsed.TotalSeconds:N0} | {scenario.Client.CpuMicroseconds / n:F1} | {scenario.Server.CpuMicroseconds / n:F1} | {scenario.Client.ContextSwitches / n:F2} | {scenario.Server.ContextSwitches / n:F2} | {scenario.Client.AllocatedBytes / n:F0} | {scenario.Server.AllocatedBytes / n:F0} |"));

            double At(double quantile) => samples[Math.Min(samples.Length - 1, (int)(quantile * samples.Length))] * 1e6 / Stopwatch.Frequency / scenario.CallsPerSample;
        }

        foreach (var connections in clients.Values)
        {
            foreach (var client in connections)
            {
                await client.DisposeAsync();
            }
        }

        return 0;

        BenchClient Client(BenchSystem system) => Clients(system)[0];

        BenchClient[] Clients(BenchSystem system)
        {
            if (!clients.TryGetValue(system, out var connections))
            {
                connections = [.. Enumerable.Range(0, Workloads.Connections).Select(_ => BenchClient.ConnectCheckedAsync(system, sockets).GetAwaiter().GetResult())];
                clients.Add(system, connections);
            }

            return connections;
        }

        Task ThroughputAsync(Memory<long> samples, Load load, BenchClient[] connections) => BurstsAsync(samples, () => Workloads.ThroughputAsync(load, connections, inFlight, bursts));
    }

    /// <summary>How scenarios and tables name a system.</summary>
    public static string Describe(BenchSystem system) => system switch
    {
        BenchSystem.RawBlocking => "raw blocking",
        BenchSystem.RawAsync => "raw async",
        BenchSystem.ContractGen => "ContractGen",
        BenchSystem.ContractGenInline => "ContractGen, InlineDispatch",
        BenchSystem.StreamJsonRpcMessagePack => "StreamJsonRpc, MessagePack",
        BenchSystem.StreamJsonRpcJson => "StreamJsonRpc, System.Text.Json",
        _ => "gRPC",
    };

    private static BenchSystem SystemOf(string scenario)
        => Enum.GetValues<BenchSystem>().OrderByDescending(s => Describe(s).Length).First(s => scenario.EndsWith(": " + Describe(s), StringComparison.Ordinal));

    private static async ValueTask SequentialAsync(Memory<long> samples, BenchClient client, Workload workload)
    {
        for (var i = 0; i < samples.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var answer = await client.CallAsync(workload, i).ConfigureAwait(false);
            samples.Span[i] = Stopwatch.GetTimestamp() - start;
            Verify(answer, BenchClient.Expected(workload, i));
        }
    }

    private static async Task BurstsAsync(Memory<long> samples, Func<ValueTask<long>> burst)
    {
        for (var i = 0; i < samples.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await burst().ConfigureAwait(false);
            samples.Span[i] = Stopwatch.GetTimestamp() - start;
        }
    }

    private static void Verify(long actual, long expected)
    {
        if (actual != expected)
        {
            throw new InvalidOperationException($"Expected {expected}, the server's answers added up to {actual}.");
        }
    }

    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private sealed class Scenario(string name, int callsPerSample, Func<Memory<long>, Task> measure)
    {
        public string Name => name;

        public int CallsPerSample => callsPerSample;

        public Func<Memory<long>, Task> Measure => measure;

        public long[] Samples { get; set; } = [];

        public TimeSpan Elapsed { get; set; }

        public ProcessStats Client { get; set; }

        public ProcessStats Server { get; set; }
    }
}

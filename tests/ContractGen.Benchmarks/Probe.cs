using System.Diagnostics;
using System.Globalization;
using ContractGen.Transports;

namespace ContractGen.Benchmarks;

/// <summary>
/// <c>probe [--calls N] [--only TEXT]</c>: what BenchmarkDotNet does not show. Per-call latency percentiles of
/// sequential calls (BenchmarkDotNet's statistics are over iteration means), and what each call costs both
/// processes: CPU time, context switches and managed bytes allocated, on the client and on the server, per call,
/// sequentially and with 64 calls outstanding. Same server process, sockets and clients as the benchmarks.
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
        using var rawBlocking = RawClient.Connect(sockets.RawBlocking);
        using var rawAsync = RawClient.Connect(sockets.RawAsync);
        await using var pooled = await ServiceConnection.ConnectAsync<IAdder>(ServiceEndpoint.UnixSocket(sockets.ContractGen));
        await using var inline = await ServiceConnection.ConnectAsync<IAdder>(ServiceEndpoint.UnixSocket(sockets.ContractGenInline));
        var inFlight = new ValueTask<int>[RoundTripBenchmarks.Outstanding];
        var expected = Workloads.ExpectedOutstandingTotal(RoundTripBenchmarks.Outstanding);

        Scenario[] all =
        [
            // The blocking client runs on a dedicated thread, as a synchronous caller would.
            new("sequential: raw blocking", 1, samples => Task.Factory.StartNew(() => Sequential(samples, i => rawBlocking.Add(i, 1)), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)),
            new("sequential: raw async", 1, samples => SequentialAsync(samples, i => rawAsync.AddAsync(i, 1))),
            new("sequential: ContractGen", 1, samples => SequentialAsync(samples, i => pooled.Proxy.AddAsync(i, 1))),
            new("sequential: ContractGen, InlineDispatch", 1, samples => SequentialAsync(samples, i => inline.Proxy.AddAsync(i, 1))),
            new("64 outstanding: raw async, pipelined", inFlight.Length, samples => BurstsAsync(samples, expected, () => rawAsync.AddPipelinedAsync(inFlight.Length, 1))),
            new("64 outstanding: ContractGen", inFlight.Length, samples => BurstsAsync(samples, expected, () => Workloads.OutstandingAsync(pooled.Proxy, inFlight))),
            new("64 outstanding: ContractGen, InlineDispatch", inFlight.Length, samples => BurstsAsync(samples, expected, () => Workloads.OutstandingAsync(inline.Proxy, inFlight))),
        ];
        var scenarios = all.Any(s => s.Name == only) ? all.Where(s => s.Name == only).ToArray()
            : all.Where(s => only is null || s.Name.Contains(only, StringComparison.OrdinalIgnoreCase)).ToArray();

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
        Console.WriteLine("(64 outstanding: each sample is a burst of 64 calls, shown per call)");
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

        return 0;
    }

    private static void Sequential(Memory<long> samples, Func<int, int> call)
    {
        var span = samples.Span;
        for (var i = 0; i < span.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var sum = call(i);
            span[i] = Stopwatch.GetTimestamp() - start;
            Verify(sum, i + 1);
        }
    }

    private static async Task SequentialAsync(Memory<long> samples, Func<int, ValueTask<int>> call)
    {
        for (var i = 0; i < samples.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var sum = await call(i).ConfigureAwait(false);
            samples.Span[i] = Stopwatch.GetTimestamp() - start;
            Verify(sum, i + 1);
        }
    }

    private static async Task BurstsAsync(Memory<long> samples, long expected, Func<ValueTask<long>> burst)
    {
        for (var i = 0; i < samples.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var total = await burst().ConfigureAwait(false);
            samples.Span[i] = Stopwatch.GetTimestamp() - start;
            Verify(total, expected);
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

using BenchmarkDotNet.Running;
using ContractGen.Benchmarks;

// ContractGen.Benchmarks                      → BenchmarkDotNet (pass its options, e.g. --filter '*')
// ContractGen.Benchmarks probe [--calls N] [--only TEXT]
//                                             → per-call latency percentiles, and CPU time, context switches and
//                                               allocations per call on both sides (see Probe.cs)
// ContractGen.Benchmarks generator [--contracts N] [--methods M] [--runs R]
//                                             → the generator's time on N contracts of M methods, and what edits re-run
// ContractGen.Benchmarks server --dir DIR     → the server process the benchmarks start (not run by hand)
switch (args.FirstOrDefault())
{
    case "server" when args.Length == 3 && args[1] == "--dir":
        return await BenchServer.RunAsync(args[2]);

    case "probe":
        return await Probe.RunAsync(GetNumber("--calls", 20_000), GetOption("--only"));

    case "generator":
        return GeneratorTiming.Run(GetNumber("--contracts", 200), GetNumber("--methods", 10), GetNumber("--runs", 5));

    default:
        // BenchConfig runs the client in this process; should a toolchain build a separate benchmark process instead,
        // this tells it where this program is, so that it starts the server from the same build.
        Environment.SetEnvironmentVariable(ServerProcess.EntryPointVariable, typeof(ServerProcess).Assembly.Location);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(ServerProcess).Assembly).Run(args);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
}

string? GetOption(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

int GetNumber(string name, int fallback)
    => GetOption(name) is { } value ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : fallback;

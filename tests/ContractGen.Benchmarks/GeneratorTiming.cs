using System.Globalization;
using System.Text;
using ContractGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ContractGen.Benchmarks;

/// <summary>
/// <c>generator [--contracts N] [--methods M] [--runs R]</c>: how long ContractGen's generator takes on a project of N
/// contracts of M methods each (the generator driver's own timing), and what an edit re-runs (tracked steps):
/// an unrelated file added must re-emit nothing, one signature changed must re-emit one contract.
/// </summary>
internal static class GeneratorTiming
{
    private const string SourceOutput = "SourceOutput";
    private static readonly CSharpParseOptions s_parseOptions = new(LanguageVersion.Latest);

    public static int Run(int contracts, int methods, int runs)
    {
        var compilation = CSharpCompilation.Create(
            "Contracts",
            Enumerable.Range(0, contracts).Select(i => CSharpSyntaxTree.ParseText(ContractSource(i, methods), s_parseOptions, path: $"Contract{i}.cs")),
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        // Full runs on fresh drivers and fresh copies of the compilation (a generator never sees the same compilation
        // twice). The first pays for JIT and Roslyn's own caches. Each run's time includes binding the contracts'
        // symbols, which the compiler does anyway; the "bound" runs bind declarations first, untimed, to show the
        // generator's own share.
        var full = new List<TimeSpan>();
        var bound = new List<TimeSpan>();
        GeneratorDriver driver = null!;
        for (var run = 0; run < runs; run++)
        {
            driver = CreateDriver().RunGenerators(compilation.Clone());
            full.Add(GeneratorTime(driver));
            var declared = compilation.Clone();
            _ = declared.GetDeclarationDiagnostics();
            bound.Add(GeneratorTime(CreateDriver().RunGenerators(declared)));
        }

        var files = driver.GetRunResult().Results[0].GeneratedSources.Length;

        // An edit anywhere else: every output must come from the cache.
        var unrelated = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace Unrelated; public static class Helper { public static int Twice(int x) => 2 * x; }", s_parseOptions, path: "Unrelated.cs"));
        var afterUnrelated = driver.RunGenerators(unrelated);
        var unrelatedReasons = OutputReasons(afterUnrelated);

        // One method's signature changed in one contract: that contract's output only.
        var tree = compilation.SyntaxTrees.First();
        var changedText = tree.GetText().ToString().Replace("ValueTask<int> Method0Async(int a, int b", "ValueTask<int> Method0Async(long a, int b", StringComparison.Ordinal);
        var changed = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(changedText, s_parseOptions, path: tree.FilePath));
        var afterChange = driver.RunGenerators(changed);
        var changeReasons = OutputReasons(afterChange);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{contracts} contracts x {methods} methods, {files} generated files, {Environment.ProcessorCount} cores, load average {LoadAverage()}"));
        Console.WriteLine();
        Console.WriteLine("| run | ContractGen generator time (driver timing) | outputs re-emitted (New/Modified) | outputs cached (Cached/Unchanged) |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| first full run (cold process: JIT, Roslyn caches) | {full[0].TotalMilliseconds:F0} ms | {files} | 0 |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| full run, warm process, fresh compilation (median of {Math.Max(1, runs - 1)}) | {Median(full).TotalMilliseconds:F0} ms | {files} | 0 |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| full run, declarations already bound (median of {Math.Max(1, runs - 1)}) | {Median(bound).TotalMilliseconds:F0} ms | {files} | 0 |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| unrelated file added | {GeneratorTime(afterUnrelated).TotalMilliseconds:F0} ms | {Emitted(unrelatedReasons)} | {Cached(unrelatedReasons)} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| one method's signature changed | {GeneratorTime(afterChange).TotalMilliseconds:F0} ms | {Emitted(changeReasons)} | {Cached(changeReasons)} |"));

        var ok = Emitted(unrelatedReasons) == 0 && Emitted(changeReasons) == 1;
        if (!ok)
        {
            Console.Error.WriteLine("FAILED: an unrelated edit must re-emit nothing and one changed contract exactly one output.");
        }

        return ok ? 0 : 1;
    }

    /// <summary>Contract <paramref name="index"/>: <paramref name="methods"/> methods of the usual shapes, with a data type of its own.</summary>
    internal static string ContractSource(int index, int methods)
    {
        var source = new StringBuilder();
        source.Append(CultureInfo.InvariantCulture, $$"""
            using System;
            using System.Collections.Generic;
            using System.ComponentModel.DataAnnotations;
            using System.Threading;
            using System.Threading.Tasks;
            using ContractGen;
            using MemoryPack;

            namespace Generated.Contracts{{index}};

            [MemoryPackable]
            public sealed partial record Item{{index}}(string Name, int Count, DateTimeOffset When);

            [ServiceContract(Name = "generated.contract{{index}}", Context = ServiceContext.User, MaxStringLength = 1024, MaxCollectionLength = 1024)]
            public partial interface IContract{{index}}
            {

            """);
        for (var m = 0; m < methods; m++)
        {
            source.Append((m % 5) switch
            {
                0 => $"    ValueTask<int> Method{m}Async(int a, int b, CancellationToken cancellationToken = default);\n",
                1 => $"    ValueTask<string> Method{m}Async([StringLength(64)] string name, CancellationToken cancellationToken = default);\n",
                2 => $"    ValueTask<Item{index}> Method{m}Async(Item{index} item, CancellationToken cancellationToken = default);\n",
                3 => $"    Task Method{m}Async(List<int> values, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);\n",
                _ => $"    IAsyncEnumerable<Item{index}> Method{m}Async([Range(1, 100)] int count, CancellationToken cancellationToken = default);\n",
            });
        }

        source.Append("}\n");
        return source.ToString();
    }

    private static CSharpGeneratorDriver CreateDriver()
        => CSharpGeneratorDriver.Create(
            [new ContractGenerator().AsSourceGenerator()],
            parseOptions: s_parseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    private static TimeSpan Median(List<TimeSpan> times)
    {
        var warm = times.Skip(1).DefaultIfEmpty(times[0]).Order().ToList();
        return warm[warm.Count / 2];
    }

    private static TimeSpan GeneratorTime(GeneratorDriver driver) => driver.GetTimingInfo().GeneratorTimes.Single().ElapsedTime;

    private static List<IncrementalStepRunReason> OutputReasons(GeneratorDriver driver)
        => [.. driver.GetRunResult().Results.Single().TrackedOutputSteps
            .Where(step => step.Key == SourceOutput)
            .SelectMany(step => step.Value)
            .SelectMany(run => run.Outputs)
            .Select(output => output.Reason)];

    private static int Emitted(List<IncrementalStepRunReason> reasons)
        => reasons.Count(r => r is IncrementalStepRunReason.New or IncrementalStepRunReason.Modified);

    private static int Cached(List<IncrementalStepRunReason> reasons)
        => reasons.Count(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);

    /// <summary>The framework, ContractGen and MemoryPack, from this process's own trusted assemblies.</summary>
    private static List<MetadataReference> References()
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return
        [
            .. trusted.Where(path => Path.GetDirectoryName(path) == runtimeDirectory).Select(path => MetadataReference.CreateFromFile(path)),
            MetadataReference.CreateFromFile(typeof(ServiceContractAttribute).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(MemoryPack.MemoryPackableAttribute).Assembly.Location),
        ];
    }

    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}

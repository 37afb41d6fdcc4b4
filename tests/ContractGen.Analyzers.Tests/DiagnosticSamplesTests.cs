using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using ContractGen.CodeAnalysis;
using ContractGen.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace ContractGen.Analyzers.Tests;

/// <summary>
/// Keeps samples/Diagnostics honest: the files are compiled together as <c>dotnet build samples/Diagnostics</c> compiles
/// them (ContractGen's and MemoryPack's generators, then every ContractGen analyzer), and each file must get exactly the
/// diagnostics its header lists, in the form the build prints them (<c>CGEN3002.cs(13,27): warning CGEN3002: ...</c>).
/// </summary>
public sealed partial class DiagnosticSamplesTests
{
    // The rules a sample cannot show on its own: they compare the contracts with a ContractGen.lock.txt beside the
    // project, which would then have to list every other sample's contract too (docs/diagnostics/CGEN1011.md shows them).
    private static readonly string[] RulesWithoutSample = [DiagnosticIds.ContractChangedFromLock, DiagnosticIds.ContractNotInLock];

    // The .NET SDK's default NoWarn: MemoryPack.Core is built against an older System.Runtime, which the build does not mention.
    private static readonly ImmutableDictionary<string, ReportDiagnostic> SdkNoWarn = ImmutableDictionary.CreateRange(
        [KeyValuePair.Create("CS1701", ReportDiagnostic.Suppress), KeyValuePair.Create("CS1702", ReportDiagnostic.Suppress)]);

    private static readonly string SamplesDirectory = Path.Combine(ConsistencyTests.RepositoryRoot, "samples", "Diagnostics");

    // Compiled once for all the tests: the build compiles the files together, so one file's diagnostics may depend on another's.
    private static readonly Lazy<Task<BuildOutput>> Build = new(BuildSamplesAsync);

    public static TheoryData<string> SampleFiles => new(SampleFileNames());

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public async Task Sample_gets_exactly_the_diagnostics_its_header_lists(string fileName)
    {
        var expected = ExpectedLines(File.ReadAllText(Path.Combine(SamplesDirectory, fileName)));
        var output = await Build.Value;
        var actual = output.ByFile.TryGetValue(fileName, out var lines) ? lines : [];

        // On a mismatch, the message is what to paste into the header (after checking that it is what the sample means).
        Assert.True(
            expected.SequenceEqual(actual, StringComparer.Ordinal),
            $"{fileName}: the header lists\n{Render(expected)}\nbut the build reports\n{Render(actual)}");
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Sample_shows_the_rule_it_is_named_after(string fileName)
    {
        var id = Path.GetFileNameWithoutExtension(fileName);
        var expected = ExpectedLines(File.ReadAllText(Path.Combine(SamplesDirectory, fileName)));
        Assert.Contains(expected, line => line.Contains($" {id}: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_rule_has_a_sample()
    {
        var rules = ConsistencyTests.AllDescriptors().Select(d => d.Id).Except(RulesWithoutSample).Order(StringComparer.Ordinal);
        Assert.Equal(rules, SampleFileNames().Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Nothing_is_reported_outside_the_samples()
    {
        // A diagnostic in generated code (or without a place) would be printed by the build but listed in no header.
        var output = await Build.Value;
        Assert.True(output.Elsewhere.IsEmpty, "Reported outside the sample files:\n" + Render(output.Elsewhere));
    }

    [Fact]
    public void Samples_stay_out_of_the_solution()
    {
        // 'dotnet build ContractGen.sln' must stay warning-free: the unsafe contracts build only when asked for.
        var solution = File.ReadAllText(Path.Combine(ConsistencyTests.RepositoryRoot, "ContractGen.sln"));
        Assert.DoesNotContain("Diagnostics.csproj", solution, StringComparison.OrdinalIgnoreCase);
    }

    private static List<string> SampleFileNames()
        => Directory.EnumerateFiles(SamplesDirectory, "*.cs")
            .Select(path => Path.GetFileName(path))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The diagnostics a sample's header lists: its comment lines of the form <c>// FILE.cs(line,col): severity ID: message</c>.</summary>
    private static List<string> ExpectedLines(string source)
        => source.Split('\n')
            .Select(line => line.TrimEnd('\r'))
            .Select(line => HeaderLine().Match(line))
            .Where(match => match.Success)
            .Select(match => match.Groups[1].Value)
            .ToList();

    [GeneratedRegex(@"^// (\S+\.cs\(\d+,\d+\): (?:error|warning|info) [A-Z]+[0-9]+: .*)$")]
    private static partial Regex HeaderLine();

    private static string Render(IEnumerable<string> lines)
    {
        var text = string.Join("\n", lines.Select(l => "// " + l));
        return text.Length == 0 ? "(nothing)" : text;
    }

    /// <summary>What the build prints, by sample file (in source order), and whatever it prints elsewhere.</summary>
    private sealed record BuildOutput(Dictionary<string, List<string>> ByFile, ImmutableArray<string> Elsewhere);

    private static async Task<BuildOutput> BuildSamplesAsync()
    {
        var trees = SampleFileNames().Select(name => CSharpSyntaxTree.ParseText(
            File.ReadAllText(Path.Combine(SamplesDirectory, name)), TestReferences.ParseOptions, path: name));
        var compilation = CSharpCompilation.Create(
            "Diagnostics",
            trees,
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions(SdkNoWarn));

        // The generators run first, as in the build; the analyzers then see the compilation with the generated code.
        var generators = TestReferences.LoadMemoryPackGenerators()
            .Prepend(new ContractGenerator())
            .Select(GeneratorExtensions.AsSourceGenerator);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(generators, parseOptions: TestReferences.ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var withGenerated, out var generatorDiagnostics);
        Assert.All(driver.GetRunResult().Results, r => Assert.Null(r.Exception));

        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, _, _) =>
            {
                lock (exceptions)
                {
                    exceptions.Add(exception);
                }
            },
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var analyzerDiagnostics = await withGenerated
            .WithAnalyzers(ConsistencyTests.AllAnalyzers().ToImmutableArray(), options)
            .GetAnalyzerDiagnosticsAsync();
        Assert.True(exceptions.Count == 0, "The analyzers threw:\n" + string.Join("\n", exceptions));

        // The build prints the compiler's and the generators' warnings and errors, and every severity but Hidden of ours
        // (an Info only in the IDE; the header still lists it).
        var all = generatorDiagnostics
            .Concat(withGenerated.GetDiagnostics())
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Concat(analyzerDiagnostics.Where(d => d.Severity != DiagnosticSeverity.Hidden));

        var byFile = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var elsewhere = ImmutableArray.CreateBuilder<string>();
        foreach (var diagnostic in all.OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, StringComparer.Ordinal))
        {
            var line = Format(diagnostic);
            if (diagnostic.Location.SourceTree is { } tree && compilation.ContainsSyntaxTree(tree))
            {
                if (!byFile.TryGetValue(tree.FilePath, out var lines))
                {
                    byFile[tree.FilePath] = lines = [];
                }

                lines.Add(line);
            }
            else
            {
                elsewhere.Add(line);
            }
        }

        return new BuildOutput(byFile, elsewhere.ToImmutable());
    }

    // As the build prints it, less the directory and the project: CGEN3002.cs(13,27): warning CGEN3002: message
    private static string Format(Diagnostic diagnostic)
    {
        var severity = diagnostic.Severity switch
        {
            DiagnosticSeverity.Error => "error",
            DiagnosticSeverity.Warning => "warning",
            _ => "info",
        };
        var message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        if (!diagnostic.Location.IsInSource)
        {
            return $"{severity} {diagnostic.Id}: {message}";
        }

        var start = diagnostic.Location.GetLineSpan().StartLinePosition;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{diagnostic.Location.SourceTree!.FilePath}({start.Line + 1},{start.Character + 1}): {severity} {diagnostic.Id}: {message}");
    }
}

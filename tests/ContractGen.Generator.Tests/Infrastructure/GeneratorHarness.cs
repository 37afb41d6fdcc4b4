using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace ContractGen.Generator.Tests.Infrastructure;

/// <summary>One generator run: the input, the driver (to run again incrementally), and what ContractGen produced.</summary>
internal sealed record GenerationResult(
    CSharpCompilation Input,
    Compilation Output,
    GeneratorDriver Driver,
    GeneratorRunResult ContractGen,
    IReadOnlyList<GeneratedFile> Files)
{
    /// <summary>The text of the one file ContractGen generated (fails when there is not exactly one).</summary>
    public string SingleText => Assert.Single(Files).Text;
}

/// <summary>A file ContractGen generated: its hint name and its text.</summary>
internal sealed record GeneratedFile(string HintName, string Text);

/// <summary>
/// Builds a compilation from test sources (reference assemblies from Basic.Reference.Assemblies, the ContractGen
/// runtime and MemoryPack), runs ContractGen's generator beside MemoryPack's, and checks what every generator test
/// needs: no generator diagnostics, an output compilation with no warnings or errors (nullable on), one file per
/// contract, and an incremental re-run that does no work (see <see cref="Incrementality"/>).
/// </summary>
internal static class GeneratorHarness
{
    /// <summary>C# as a .NET 10 project compiles it: MemoryPack's generator picks its code by these symbols.</summary>
    public static readonly CSharpParseOptions ParseOptions = new CSharpParseOptions(
        LanguageVersion.Latest,
        DocumentationMode.Diagnose,
        preprocessorSymbols: new[] { "NET", "NETCOREAPP", "NET10_0" }
            .Concat(Enumerable.Range(5, 6).Select(v => $"NET{v}_0_OR_GREATER"))
            .Concat(new[] { "NETCOREAPP3_1_OR_GREATER", "NETCOREAPP3_0_OR_GREATER", "NETCOREAPP2_1_OR_GREATER", "NETSTANDARD2_1_OR_GREATER" }));

    public static readonly CSharpCompilationOptions CompilationOptions = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Enable,
            // Every warning wave: the generated code must stay clean for users who opt into all of them.
            warningLevel: 9999)
        .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
        {
            // Test sources are small contracts without XML docs; documentation mode stays on so that malformed
            // doc comments in generated code (CS1570, CS1574, ...) are still reported.
            ["CS1591"] = ReportDiagnostic.Suppress,

            // Unified-assembly-version notes the .NET SDK also silences by default (MemoryPack.Core targets net8.0).
            ["CS1701"] = ReportDiagnostic.Suppress,
            ["CS1702"] = ReportDiagnostic.Suppress,
        });

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(() =>
    {
        var references = new List<MetadataReference>(Basic.Reference.Assemblies.Net100.References.All);
        foreach (var assembly in new[]
                 {
                     typeof(ServiceConnection).Assembly,                     // ContractGen runtime
                     typeof(MemoryPack.MemoryPackSerializer).Assembly,       // MemoryPack.Core
                     typeof(Microsoft.Extensions.Logging.ILogger).Assembly,  // the runtime's public API mentions it
                 })
        {
            references.Add(MetadataReference.CreateFromFile(assembly.Location));
        }

        return references.ToImmutableArray();
    });

    private static readonly Lazy<ImmutableArray<ISourceGenerator>> LazyMemoryPackGenerators = new(() =>
    {
        // Loaded into the default context, where the tests' Roslyn already is; MemoryPack binds to it.
        var assembly = Assembly.LoadFrom(TestPaths.MemoryPackGenerator);
        var generators = assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.GetCustomAttributes<GeneratorAttribute>().Any())
            .Select(t => Activator.CreateInstance(t) switch
            {
                IIncrementalGenerator incremental => incremental.AsSourceGenerator(),
                ISourceGenerator source => source,
                var other => throw new InvalidOperationException($"'{other?.GetType()}' is not a generator."),
            })
            .ToImmutableArray();
        Assert.NotEmpty(generators);
        return generators;
    });

    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    public static CSharpCompilation CreateCompilation(params string[] sources)
        => CSharpCompilation.Create(
            "TestContracts",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Source{i}.cs")),
            References,
            CompilationOptions);

    /// <summary>A driver with ContractGen (returned as <paramref name="contractGen"/>, to find its results) and MemoryPack, tracking steps.</summary>
    public static GeneratorDriver CreateDriver(out ISourceGenerator contractGen)
    {
        contractGen = new ContractGenerator().AsSourceGenerator();
        return CSharpGeneratorDriver.Create(
            new[] { contractGen }.Concat(LazyMemoryPackGenerators.Value),
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
    }

    /// <summary>
    /// Runs the generators on <paramref name="sources"/> and checks the result (see the class summary).
    /// <paramref name="expectedFiles"/> defaults to the number of <c>[ServiceContract]</c> interfaces in the sources.
    /// </summary>
    public static GenerationResult Run(string[] sources, int? expectedFiles = null)
    {
        var input = CreateCompilation(sources);
        AssertClean("The test sources themselves", input.GetParseDiagnostics());

        var driver = CreateDriver(out var contractGen).RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);
        AssertClean("The generators", generatorDiagnostics);
        AssertClean("The compilation with generated code", output.GetDiagnostics());

        var result = GetResult(driver, contractGen, input, output);
        Assert.Null(result.ContractGen.Exception);
        Assert.Equal(expectedFiles ?? CountContracts(input), result.Files.Count);

        Incrementality.AssertNoForbiddenTypesInSteps(result.ContractGen);
        Incrementality.AssertRerunIsCached(result, input.Clone(), "a cloned compilation");
        return result;
    }

    public static GenerationResult Run(params string[] sources) => Run(sources, expectedFiles: null);

    /// <summary>Runs the driver of <paramref name="previous"/> again on <paramref name="compilation"/>, without checks (for incrementality scenarios).</summary>
    public static GenerationResult Rerun(GenerationResult previous, CSharpCompilation compilation)
    {
        var contractGen = previous.ContractGen.Generator;
        var driver = previous.Driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return GetResult(driver, contractGen, compilation, output);
    }

    private static GenerationResult GetResult(GeneratorDriver driver, ISourceGenerator contractGen, CSharpCompilation input, Compilation output)
    {
        var run = driver.GetRunResult().Results.Single(r => ReferenceEquals(r.Generator, contractGen));
        var files = run.GeneratedSources
            .Select(s => new GeneratedFile(s.HintName, s.SourceText.ToString()))
            .OrderBy(f => f.HintName, StringComparer.Ordinal)
            .ToList();
        return new GenerationResult(input, output, driver, run, files);
    }

    /// <summary>
    /// Compiles <paramref name="sources"/> (say, a hand-written interface and what the emitter made of a hand-built model)
    /// with MemoryPack's generator only, and fails on any warning or error.
    /// </summary>
    public static Compilation CompileWithoutContractGen(params string[] sources)
    {
        var input = CreateCompilation(sources);
        CSharpGeneratorDriver.Create(LazyMemoryPackGenerators.Value, parseOptions: ParseOptions)
            .RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);
        AssertClean("MemoryPack's generator", generatorDiagnostics);
        AssertClean("The compilation", output.GetDiagnostics());
        return output;
    }

    /// <summary>The interfaces in the compilation that carry <c>[ServiceContract]</c>.</summary>
    public static int CountContracts(Compilation compilation)
    {
        var attribute = compilation.GetTypeByMetadataName("ContractGen.ServiceContractAttribute");
        Assert.NotNull(attribute);
        var count = 0;
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<InterfaceDeclarationSyntax>())
            {
                var symbol = model.GetDeclaredSymbol(declaration, CancellationToken.None);
                if (symbol is not null && symbol.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute)))
                {
                    count++;
                }
            }
        }

        return count;
    }

    /// <summary>Fails listing every warning and error, with the line of generated code it points at.</summary>
    public static void AssertClean(string what, IEnumerable<Diagnostic> diagnostics)
    {
        var problems = diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        if (problems.Count == 0)
        {
            return;
        }

        var lines = problems.Select(d =>
        {
            var span = d.Location.GetLineSpan();
            var source = d.Location.SourceTree?.GetText().Lines[span.StartLinePosition.Line].ToString().Trim();
            return $"{d}\n        {source}";
        });
        Assert.Fail($"{what} reported {problems.Count} warning(s)/error(s):\n" + string.Join("\n", lines));
    }
}

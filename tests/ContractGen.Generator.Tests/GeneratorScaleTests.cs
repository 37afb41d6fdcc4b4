using System.Globalization;
using System.Linq;
using System.Text;
using ContractGen.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace ContractGen.Generator.Tests;

/// <summary>
/// A project of the size issue 7 names (200 contracts of 10 methods): everything generates, and an unrelated edit
/// re-emits nothing. How long it takes is measured by the benchmark program (<c>ContractGen.Benchmarks generator</c>),
/// never asserted here.
/// </summary>
public sealed class GeneratorScaleTests
{
    private const int Contracts = 200;
    private const int Methods = 10;
    private const string SourceOutput = "output:" + WellKnownGeneratorOutputs.SourceOutput;

    [Fact]
    public void Two_hundred_contracts_generate_and_an_unrelated_edit_reemits_nothing()
    {
        var compilation = GeneratorHarness.CreateCompilation([.. Enumerable.Range(0, Contracts).Select(ContractSource)]);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            [new ContractGenerator().AsSourceGenerator()],
            parseOptions: GeneratorHarness.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

        driver = driver.RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        Assert.Null(first.Exception);
        Assert.Equal(Contracts, first.GeneratedSources.Length);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(TestSources.Unrelated, GeneratorHarness.ParseOptions, path: "Unrelated.cs"));
        var rerun = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var reasons = Incrementality.GetReasons(rerun);
        Assert.Equal(Contracts, reasons[SourceOutput].Count);
        foreach (var (step, stepReasons) in reasons)
        {
            var emitted = stepReasons.Count(r => r is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
            Assert.True(emitted == 0, $"After an unrelated edit, step '{step}' re-ran {emitted} of {stepReasons.Count} items.");
        }

        Assert.Equal(first.GeneratedSources.Select(s => s.SourceText.ToString()), rerun.GeneratedSources.Select(s => s.SourceText.ToString()));
    }

    /// <summary>Contract <paramref name="index"/>: <see cref="Methods"/> methods of the usual shapes and a data type of its own.</summary>
    private static string ContractSource(int index)
    {
        var source = new StringBuilder();
        source.Append(CultureInfo.InvariantCulture, $$"""
            using System;
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using ContractGen;
            using MemoryPack;

            namespace Scale.Contracts{{index}};

            [MemoryPackable]
            public sealed partial record Item{{index}}(string Name, int Count);

            [ServiceContract(Name = "scale.contract{{index}}", Context = ServiceContext.User, MaxStringLength = 1024, MaxCollectionLength = 1024)]
            public partial interface IContract{{index}}
            {

            """);
        for (var m = 0; m < Methods; m++)
        {
            source.Append((m % 4) switch
            {
                0 => $"    ValueTask<int> Method{m}Async(int a, int b, CancellationToken cancellationToken = default);\n",
                1 => $"    ValueTask<string> Method{m}Async(string name, CancellationToken cancellationToken = default);\n",
                2 => $"    ValueTask<Item{index}> Method{m}Async(Item{index} item, CancellationToken cancellationToken = default);\n",
                _ => $"    Task Method{m}Async(List<int> values, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);\n",
            });
        }

        source.Append("}\n");
        return source.ToString();
    }
}

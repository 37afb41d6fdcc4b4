using Xunit;

namespace ContractGen.Analyzers.Tests;

/// <summary>Most compilations define no contracts: the analyzer must cost them one type lookup and nothing more.</summary>
public sealed class NoContractsTests
{
    // WCF's attribute has the same simple name: it must not be mistaken for ContractGen's.
    private const string WcfStyleSource = """
        using System;
        using System.Threading.Tasks;

        namespace System.ServiceModel
        {
            [AttributeUsage(AttributeTargets.Interface)]
            public sealed class ServiceContractAttribute : Attribute
            {
            }
        }

        namespace Example
        {
            [System.ServiceModel.ServiceContract]
            public interface ILegacy
            {
                int Count { get; }
                void Run(ref int value, object state);
            }
        }
        """;

    // Blocking waits that CGEN4001 would look at, were ContractGen referenced.
    private const string CallSites = """

        namespace Example
        {
            public static class Blocking
            {
                public static int Wait() => System.Threading.Tasks.Task.FromResult(1).Result;
            }
        }
        """;

    [Fact]
    public async Task Without_the_attribute_type_the_analyzer_reports_nothing_and_registers_no_symbol_action()
    {
        var compilation = TestReferences.CreateCompilation([WcfStyleSource], TestReferences.FrameworkOnly);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error));

        var (diagnostics, telemetry) = await AnalyzerRunner.RunAsync(compilation);

        Assert.Empty(diagnostics);
        Assert.Equal(1, telemetry.CompilationStartActionsCount);
        Assert.Equal(0, telemetry.SymbolActionsCount);
        Assert.Equal(0, telemetry.SymbolStartActionsCount);
        Assert.Equal(0, telemetry.SyntaxNodeActionsCount);
        Assert.Equal(0, telemetry.OperationActionsCount);
        Assert.Equal(0, telemetry.CompilationEndActionsCount);
    }

    public static TheoryData<string> AnalyzerNames => new(ConsistencyTests.AllAnalyzers().Select(a => a.GetType().Name));

    [Theory]
    [MemberData(nameof(AnalyzerNames))]
    public async Task Without_the_attribute_type_no_analyzer_registers_any_action(string analyzerName)
    {
        var analyzer = ConsistencyTests.AllAnalyzers().Single(a => a.GetType().Name == analyzerName);
        var compilation = TestReferences.CreateCompilation([WcfStyleSource + CallSites], TestReferences.FrameworkOnly);

        var (diagnostics, telemetry) = await AnalyzerRunner.RunAsync(compilation, analyzer);

        Assert.Empty(diagnostics);
        Assert.Equal(1, telemetry.CompilationStartActionsCount);
        Assert.Equal(0, telemetry.SymbolActionsCount + telemetry.SymbolStartActionsCount + telemetry.SyntaxNodeActionsCount
            + telemetry.OperationActionsCount + telemetry.CompilationEndActionsCount);
    }

    [Fact]
    public async Task With_the_attribute_type_the_analyzer_registers_one_symbol_action()
    {
        // The control for the test above: the telemetry does count the action when there is something to analyze.
        var compilation = TestReferences.CreateCompilation([WcfStyleSource]);

        var (diagnostics, telemetry) = await AnalyzerRunner.RunAsync(compilation);

        Assert.Empty(diagnostics);
        Assert.Equal(1, telemetry.SymbolActionsCount);
    }
}

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

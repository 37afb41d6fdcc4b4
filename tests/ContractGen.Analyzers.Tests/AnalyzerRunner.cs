using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Diagnostics.Telemetry;

namespace ContractGen.Analyzers.Tests;

/// <summary>Runs an analyzer (by default <see cref="ContractStructureAnalyzer"/>) on a compilation the way the compiler does, with telemetry on.</summary>
internal static class AnalyzerRunner
{
    public static async Task<(ImmutableArray<Diagnostic> Diagnostics, AnalyzerTelemetryInfo Telemetry)> RunAsync(Compilation compilation, DiagnosticAnalyzer? analyzerToRun = null)
    {
        var analyzer = analyzerToRun ?? new ContractStructureAnalyzer();
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
            logAnalyzerExecutionTime: true);
        var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(analyzer), options);
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync().ConfigureAwait(false);
        var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).ConfigureAwait(false);
        if (exceptions.Count > 0)
        {
            throw new AggregateException("The analyzer threw.", exceptions);
        }

        return (diagnostics, telemetry);
    }
}

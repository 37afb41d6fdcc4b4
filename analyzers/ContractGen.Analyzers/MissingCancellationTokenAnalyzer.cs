using System.Collections.Immutable;
using System.Linq;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ContractGen.Analyzers;

/// <summary>
/// CGEN1014 (suggestion): a contract method, in any context, that takes no trailing <see cref="System.Threading.CancellationToken"/>.
/// <c>[OneWay]</c> methods are exempt: their task completes once the message is sent, so there is nothing to cancel.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MissingCancellationTokenAnalyzer : ContractSafetyAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.MissingCancellationToken);

    private protected override void AnalyzeContract(ContractScope scope)
    {
        foreach (var method in ContractInputs.Methods(scope.Contract))
        {
            if (scope.IsReportedByBaseContract(method)
                || method.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, scope.Known.OneWayAttribute))
                // A token elsewhere in the list is CGEN1008's to report.
                || method.Parameters.Any(p => SymbolEqualityComparer.Default.Equals(p.Type, scope.Known.CancellationToken)))
            {
                continue;
            }

            scope.Report(DiagnosticDescriptors.MissingCancellationToken, method, null, null, method.Name);
        }
    }
}

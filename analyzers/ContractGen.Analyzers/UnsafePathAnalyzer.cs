using System.Collections.Immutable;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ContractGen.Analyzers;

/// <summary>
/// CGEN3007: in a <c>System</c> contract, a string parameter or member whose name says it is a path (<c>path</c>,
/// <c>file</c>, <c>outputDir</c>, <c>fileName</c>...; see <see cref="InputNames.IsPathLike"/>) without <c>[SafePath]</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnsafePathAnalyzer : ContractSafetyAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.UnsafePath);

    private protected override void AnalyzeContract(ContractScope scope)
    {
        if (!scope.Options.IsSystem)
        {
            return;
        }

        foreach (var input in ContractInputs.Collect(scope.Contract, scope.Known, scope.CancellationToken))
        {
            if (input.Shape != CheckShape.String
                || !InputNames.IsPathLike(input.Symbol.Name)
                || ValidationParser.HasSafePath(input.Attributes)
                || scope.IsReportedByBaseContract(input.Method))
            {
                continue;
            }

            scope.Report(DiagnosticDescriptors.UnsafePath, input.Symbol, input.Parameter, null, input.Kind, input.Path, input.Method.Name);
        }
    }
}

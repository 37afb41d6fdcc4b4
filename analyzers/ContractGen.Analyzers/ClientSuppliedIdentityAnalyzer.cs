using System.Collections.Immutable;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ContractGen.Analyzers;

/// <summary>
/// CGEN3002: in a <c>System</c> contract, a parameter or a member of a transferred type whose name claims who the caller
/// is (<c>uid</c>, <c>userId</c>, <c>userName</c>, <c>isAdmin</c>...; see <see cref="InputNames.ClaimsIdentity"/>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ClientSuppliedIdentityAnalyzer : ContractSafetyAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.ClientSuppliedIdentity);

    private protected override void AnalyzeContract(ContractScope scope)
    {
        if (!scope.Options.IsSystem)
        {
            return;
        }

        foreach (var input in ContractInputs.Collect(scope.Contract, scope.Known, scope.CancellationToken))
        {
            // An identity is a number, a name or a flag; a nested object or a list named "user" is judged by its members.
            if (input.Shape is not (CheckShape.Scalar or CheckShape.String)
                || scope.IsReportedByBaseContract(input.Method)
                || !InputNames.ClaimsIdentity(input.Symbol.Name))
            {
                continue;
            }

            scope.Report(DiagnosticDescriptors.ClientSuppliedIdentity, input.Symbol, input.Parameter, null, input.Kind, input.Path, input.Method.Name);
        }
    }
}

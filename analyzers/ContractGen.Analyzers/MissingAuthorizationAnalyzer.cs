using System.Collections.Immutable;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ContractGen.Analyzers;

/// <summary>
/// CGEN3006: a method of a <c>System</c> contract that says nothing about who may call it, on itself or on the contract.
/// Such a method is open to every local user (<see cref="Authorization.GetPolicy"/>); the rule asks for that to be written
/// down, the way Android's lint asks for <c>@EnforcePermission</c> or <c>@PermissionManuallyEnforced</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MissingAuthorizationAnalyzer : ContractSafetyAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.MissingAuthorization);

    private protected override void AnalyzeContract(ContractScope scope)
    {
        if (!scope.Options.IsSystem || Authorization.ReadRule(scope.Contract, scope.Known, out var contractOpen) is not null || contractOpen)
        {
            return;
        }

        foreach (var method in ContractInputs.Methods(scope.Contract))
        {
            if (scope.IsReportedByBaseContract(method) || Authorization.ReadRule(method, scope.Known, out var methodOpen) is not null || methodOpen)
            {
                continue;
            }

            scope.Report(DiagnosticDescriptors.MissingAuthorization, method, null, null, method.Name, scope.Contract.Name);
        }
    }
}

using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ContractGen.Analyzers;

/// <summary>
/// CGEN3001: a member of a transferred <c>[MemoryPackable]</c> type that is a live object rather than data (an interface,
/// a delegate, object, a Stream...), named by its path from the parameter, e.g. <c>order.Lines[].Handler</c>. The rule is
/// <see cref="ObjectRemotingRule"/>; a parameter or result of such a type is CGEN1005.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ObjectRemotingAnalyzer : TransferRuleAnalyzer
{
    /// <summary>Creates the analyzer.</summary>
    public ObjectRemotingAnalyzer()
        : base(DiagnosticDescriptors.ObjectRemoting)
    {
    }

    /// <summary>
    /// An error where the call crosses a privilege boundary (System, User); a warning in an Application contract, whose
    /// helper runs with the application's own privileges: a live object there is a bug, not an escalation, and MemoryPack
    /// still refuses what it cannot serialize.
    /// </summary>
    private protected override DiagnosticSeverity GetSeverity(int serviceContext)
        => serviceContext == ServiceContexts.Application ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error;
}

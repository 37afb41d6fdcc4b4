using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ContractGen.Analyzers;

/// <summary>
/// CGEN1013 inside transferred types: a member whose type is a class, struct or record of the user's own that is not
/// <c>[MemoryPackable]</c>, or not <see langword="partial"/>. The rule is <see cref="MemoryPackableRule"/>; for a parameter
/// or result the parser reports it. The type's declaration is an additional location, where the code fix applies.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NotMemoryPackableAnalyzer : TransferRuleAnalyzer
{
    /// <summary>Creates the analyzer.</summary>
    public NotMemoryPackableAnalyzer()
        : base(DiagnosticDescriptors.NotMemoryPackable)
    {
    }
}

using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ContractGen.Analyzers;

/// <summary>
/// CGEN3004 inside transferred types: a member whose type is abstract (or a <c>[MemoryPackable]</c> interface) without
/// <c>[MemoryPackUnion]</c> cases. The rule is <see cref="OpenPolymorphismRule"/>; for a parameter or result the parser
/// reports it. Union cases are walked like any other transferred type.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class OpenPolymorphismAnalyzer : TransferRuleAnalyzer
{
    /// <summary>Creates the analyzer.</summary>
    public OpenPolymorphismAnalyzer()
        : base(DiagnosticDescriptors.OpenPolymorphism)
    {
    }
}

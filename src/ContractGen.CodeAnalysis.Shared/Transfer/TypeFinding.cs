using Microsoft.CodeAnalysis;

namespace ContractGen.CodeAnalysis;

/// <summary>
/// Why a type cannot cross a privilege boundary: the rule it breaks (a diagnostic ID), the type, and a reason that says
/// what to send instead. <paramref name="FixTarget"/> is the source type a code fix would change (CGEN1013).
/// </summary>
internal sealed record TypeFinding(string Id, ITypeSymbol Type, string Reason, INamedTypeSymbol? FixTarget = null);

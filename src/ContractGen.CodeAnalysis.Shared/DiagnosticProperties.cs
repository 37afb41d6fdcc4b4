namespace ContractGen.CodeAnalysis;

/// <summary>The keys of the properties a diagnostic carries for its code fix (linked into ContractGen.CodeFixes).</summary>
internal static class DiagnosticProperties
{
    /// <summary>CGEN1013: the documentation-comment ID (<c>T:Example.Order</c>) of the type to make [MemoryPackable] partial.</summary>
    public const string TypeToFix = "ContractGen.TypeToFix";
}

using Microsoft.CodeAnalysis;

namespace ContractGen.CodeAnalysis;

/// <summary>
/// The one place that decides whether a type may be transferred, used by <see cref="WireTypes"/> for parameters and
/// results (where the generator must be able to emit it) and by <see cref="TransferWalker"/> for what lies inside
/// <c>[MemoryPackable]</c> types. The rules are asked in a fixed order and the first that objects wins, so one type never
/// gets two diagnostics.
/// </summary>
internal static class TransferRules
{
    /// <summary>
    /// The rule <paramref name="type"/> breaks, or null when MemoryPack can send it as data. <paramref name="topLevel"/>:
    /// the type of a parameter or result (or an element of one), which the generator needs to be <c>[MemoryPackable]</c>
    /// even where MemoryPack alone could copy it as raw bytes.
    /// </summary>
    public static TypeFinding? Find(ITypeSymbol type, bool topLevel)
        => type.TypeKind == TypeKind.Error
            ? null // the compiler reports a type it cannot resolve; another error on top says nothing new
            : ObjectRemotingRule.CheckLiveObject(type)
           ?? OpenPolymorphismRule.Check(type)
           ?? MemoryPackableRule.Check(type, topLevel)
           ?? ObjectRemotingRule.CheckNoSerializer(type);
}

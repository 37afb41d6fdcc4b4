using System.Linq;
using Microsoft.CodeAnalysis;

namespace ContractGen.CodeAnalysis;

/// <summary>
/// The settings a contract's <c>[ServiceContract]</c> attribute declares. The bounds are null where the attribute does not
/// set them: the parser then applies the runtime's defaults, and the safety rules (CGEN3003) do not count them as explicit.
/// </summary>
internal sealed record ContractOptions(AttributeData? Attribute, string? Name, int Context, int? MaxStringLength, int? MaxCollectionLength, int? MaxByteLength)
{
    /// <summary>Whether the contract is served by a system daemon (the default context), held to the strictest rules.</summary>
    public bool IsSystem => Context == ServiceContexts.System;

    /// <summary>Reads the <c>[ServiceContract]</c> attribute of <paramref name="contract"/>.</summary>
    public static ContractOptions Read(INamedTypeSymbol contract, KnownTypes known)
    {
        var attribute = ContractCatalog.FindContractAttribute(contract, known);
        return new ContractOptions(
            attribute,
            Get(attribute, "Name") as string,
            attribute is null ? ServiceContexts.System : ServiceContexts.Of(attribute),
            Get(attribute, "MaxStringLength") as int?,
            Get(attribute, "MaxCollectionLength") as int?,
            Get(attribute, "MaxByteLength") as int?);
    }

    private static object? Get(AttributeData? attribute, string name)
        => attribute?.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value;
}

using System.Linq;
using Microsoft.CodeAnalysis;

namespace ContractGen.CodeAnalysis;

/// <summary>The values of <c>ContractGen.ServiceContext</c> (the generator cannot reference the runtime), and how a contract declares one.</summary>
internal static class ServiceContexts
{
    public const int System = 0;
    public const int User = 1;
    public const int Application = 2;

    /// <summary>The context a <c>[ServiceContract]</c> attribute declares; <see cref="System"/>, the attribute's default, when it names none.</summary>
    public static int Of(AttributeData serviceContract)
        => serviceContract.NamedArguments.FirstOrDefault(a => a.Key == "Context").Value.Value is int context ? context : System;
}

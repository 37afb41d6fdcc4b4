using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace ContractGen.CodeAnalysis;

/// <summary>
/// Every contract a compilation declares, and the lock file they render to. The lock analyzer, the code fix that
/// rewrites the lock file and <c>contractgen lock</c> all start here, so all three see the same set of contracts.
/// </summary>
internal static class ContractCatalog
{
    /// <summary>Every <c>[ServiceContract]</c> interface declared in the compilation's own source, nested ones included.</summary>
    public static List<INamedTypeSymbol> FindContracts(Compilation compilation, KnownTypes known, CancellationToken cancellationToken)
    {
        var contracts = new List<INamedTypeSymbol>();
        if (known.ServiceContractAttribute is null)
        {
            return contracts;
        }

        // Only this assembly's namespaces: contracts in referenced assemblies are locked by the projects that declare them.
        var pending = new Stack<INamespaceOrTypeSymbol>();
        pending.Push(compilation.Assembly.GlobalNamespace);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var container = pending.Pop();
            if (container is INamespaceSymbol ns)
            {
                foreach (var member in ns.GetMembers())
                {
                    pending.Push(member);
                }

                continue;
            }

            var type = (INamedTypeSymbol)container;
            if (IsContract(type, known))
            {
                contracts.Add(type);
            }

            foreach (var nested in type.GetTypeMembers())
            {
                pending.Push(nested);
            }
        }

        return contracts;
    }

    /// <summary>
    /// Whether <paramref name="type"/> is an interface marked <c>[ServiceContract]</c>: the one test every analyzer, the
    /// lock file and the tool use (the generator's <c>ForAttributeWithMetadataName</c> asks the same of the syntax).
    /// </summary>
    public static bool IsContract(INamedTypeSymbol type, KnownTypes known)
        => type.TypeKind == TypeKind.Interface && FindContractAttribute(type, known) is not null;

    /// <summary>ContractGen's <c>[ServiceContract]</c> on <paramref name="type"/>, or null (also when the compilation cannot see the attribute).</summary>
    public static AttributeData? FindContractAttribute(INamedTypeSymbol type, KnownTypes known)
        => known.ServiceContractAttribute is null
            ? null
            : type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, known.ServiceContractAttribute));

    /// <summary>
    /// The lock file for every contract of <paramref name="compilation"/>, or null when one of them breaks a structural
    /// rule: its CGEN1xxx error comes first, and a lock file written without it would silently drop its entries.
    /// </summary>
    public static string? RenderLock(Compilation compilation, CancellationToken cancellationToken)
    {
        var known = new KnownTypes(compilation);
        var models = new List<ContractModel>();
        foreach (var contract in FindContracts(compilation, known, cancellationToken))
        {
            if (ContractParser.Parse(contract, known, cancellationToken).Model is not { } model)
            {
                return null;
            }

            models.Add(model);
        }

        return ContractLock.Render(models);
    }
}

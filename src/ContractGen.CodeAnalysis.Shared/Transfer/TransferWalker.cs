using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace ContractGen.CodeAnalysis;

/// <summary>A rule broken inside a transferred type: the finding, its path from the parameter or result, and the member that leads there.</summary>
internal sealed record TransferFinding(TypeFinding Finding, string Path, ISymbol? Member);

/// <summary>
/// Walks what MemoryPack would serialize for a parameter or result: into the members of <c>[MemoryPackable]</c> types,
/// the cases of unions, and the elements of arrays and the collections MemoryPack knows, in declaration order, each type
/// once. The parameter or result itself and its array/list/dictionary elements are <see cref="WireTypes"/>' to judge (the
/// generator must emit them); everything reached through a member or a union case is judged here by
/// <see cref="TransferRules"/>.
/// </summary>
internal static class TransferWalker
{
    // A generic type can keep producing new constructions (Node<T> holding a Node<List<T>>): stop at a depth no data model needs.
    private const int MaxDepth = 32;

    /// <summary>Every finding below <paramref name="root"/>, in walk order; a branch stops at its first finding.</summary>
    public static IReadOnlyList<TransferFinding> Walk(ITypeSymbol root, string rootPath, CancellationToken cancellationToken)
    {
        var walk = new Walker(cancellationToken);
        walk.Visit(root, rootPath, member: null, topLevel: true, depth: 0);
        return walk.Findings;
    }

    private sealed class Walker
    {
        private readonly CancellationToken _cancellationToken;
        private readonly HashSet<ITypeSymbol> _expanded = new(SymbolEqualityComparer.Default);

        public Walker(CancellationToken cancellationToken) => _cancellationToken = cancellationToken;

        public List<TransferFinding> Findings { get; } = new();

        public void Visit(ITypeSymbol type, string path, ISymbol? member, bool topLevel, int depth)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (depth > MaxDepth)
            {
                return;
            }

            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                Visit(nullable.TypeArguments[0], path, member, topLevel, depth + 1);
                return;
            }

            if (!topLevel && TransferRules.Find(type, topLevel: false) is { } finding)
            {
                Findings.Add(new TransferFinding(finding, path, member));
                return;
            }

            if (type is IArrayTypeSymbol array)
            {
                Visit(array.ElementType, path + "[]", member, topLevel, depth + 1);
                return;
            }

            if (type is not INamedTypeSymbol named || MemoryPackFacts.IsLeaf(type))
            {
                return;
            }

            if (MemoryPackFacts.IsKnownContainer(named))
            {
                for (var i = 0; i < named.TypeArguments.Length; i++)
                {
                    Visit(named.TypeArguments[i], path + ElementSuffix(named, i), member, topLevel, depth + 1);
                }

                return;
            }

            switch (MemoryPackFacts.GetShape(named))
            {
                case PackableShape.Members when _expanded.Add(named):
                    foreach (var serialized in MemoryPackFacts.SerializedMembers(named))
                    {
                        if (!MemoryPackFacts.HasOwnFormatter(serialized))
                        {
                            Visit(MemoryPackFacts.MemberType(serialized), path + "." + serialized.Name, serialized, topLevel: false, depth + 1);
                        }
                    }

                    break;
                case PackableShape.Collection when _expanded.Add(named) && MemoryPackFacts.CollectionElement(named) is { } element:
                    Visit(element, path + "[]", member, topLevel: false, depth + 1);
                    break;
                case PackableShape.Union when _expanded.Add(named):
                    foreach (var unionCase in MemoryPackFacts.UnionCases(named))
                    {
                        Visit(unionCase, path + MemoryPackFacts.CaseSegment(unionCase), member, topLevel: false, depth + 1);
                    }

                    break;
            }
        }

        // order.Lines[], prices.Keys[], pair.Value, tuple.Item2: enough to find the spot in the data model.
        private static string ElementSuffix(INamedTypeSymbol container, int index)
        {
            var name = container.OriginalDefinition.Name;
            if (name is "Tuple" or "ValueTuple")
            {
                return ".Item" + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (name == "KeyValuePair")
            {
                return index == 0 ? ".Key" : ".Value";
            }

            if (name == "Lazy")
            {
                return ".Value";
            }

            return container.TypeArguments.Length == 2 && name != "PriorityQueue" && index == 0 ? ".Keys[]" : "[]";
        }
    }
}

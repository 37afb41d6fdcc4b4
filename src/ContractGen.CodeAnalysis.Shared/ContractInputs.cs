using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace ContractGen.CodeAnalysis;

/// <summary>
/// One value a client sends to a contract method: a parameter, or a serialized member of a <c>[MemoryPackable]</c> type
/// reached from a parameter (through nullables, arrays, lists, dictionaries and the cases of unions).
/// </summary>
/// <param name="Symbol">The parameter, property or field.</param>
/// <param name="Type">Its declared type.</param>
/// <param name="Attributes">The attributes that constrain it (for a positional record's property, its parameter's too).</param>
/// <param name="Method">The contract method that receives it.</param>
/// <param name="Parameter">The parameter it arrives in (itself, for a parameter).</param>
/// <param name="Path">How to reach it from the parameter, as validation errors name it: <c>order.Lines[].Sku</c>, <c>shape(as Circle).Label</c>.</param>
/// <param name="Shape">How it is measured and walked.</param>
internal sealed record ContractInput(
    ISymbol Symbol,
    ITypeSymbol Type,
    ImmutableArray<AttributeData> Attributes,
    IMethodSymbol Method,
    IParameterSymbol Parameter,
    string Path,
    CheckShape Shape)
{
    /// <summary>Whether it is a member of a transferred type rather than a parameter.</summary>
    public bool IsMember => Symbol is not IParameterSymbol;

    /// <summary>"parameter" or "member", for messages.</summary>
    public string Kind => IsMember ? "member" : "parameter";
}

/// <summary>
/// Walks what a contract receives, for the safety rules that look at names and bounds (CGEN3002, CGEN3003, CGEN3007).
/// Results are not walked: they come from the service, which the client has to trust anyway.
/// </summary>
/// <remarks>
/// Deliberately not <see cref="TransferWalker"/>: that one follows everything MemoryPack sends (every container
/// MemoryPack knows) to find types that must not cross at all; this one follows what the generated validator checks
/// (<see cref="ValidationParser.Classify"/>, and the cases of unions), so that a bound these rules ask for is a bound the
/// daemon enforces.
/// Both take a type's members from <see cref="MemoryPackFacts.SerializedMembers"/>.
/// </remarks>
internal static class ContractInputs
{
    /// <summary>The methods that cross the wire: the contract's own and its base interfaces' abstract methods, as the parser reads them.</summary>
    public static IEnumerable<IMethodSymbol> Methods(INamedTypeSymbol contract)
        => new[] { contract }.Concat(contract.AllInterfaces)
            .SelectMany(i => i.GetMembers())
            .OfType<IMethodSymbol>()
            .Where(m => m is { MethodKind: MethodKind.Ordinary, IsAbstract: true, IsStatic: false, IsImplicitlyDeclared: false });

    /// <summary>
    /// Every input of every method of <paramref name="contract"/>. A member of a type reached several times (from several
    /// methods or parameters) is listed once, with the first path that reaches it.
    /// </summary>
    public static List<ContractInput> Collect(INamedTypeSymbol contract, KnownTypes known, CancellationToken cancellationToken)
    {
        var inputs = new List<ContractInput>();
        var visited = new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var method in Methods(contract))
        {
            foreach (var parameter in method.Parameters)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (parameter.RefKind != RefKind.None || SymbolEqualityComparer.Default.Equals(parameter.Type, known.CancellationToken))
                {
                    continue;
                }

                var shape = ValidationParser.Classify(parameter.Type, known, out _, out _);
                inputs.Add(new ContractInput(parameter, parameter.Type, parameter.GetAttributes(), method, parameter, parameter.Name, shape));
                AddMembers(parameter.Type, parameter.Name, method, parameter, known, visited, inputs);
            }
        }

        return inputs;
    }

    private static void AddMembers(ITypeSymbol type, string path, IMethodSymbol method, IParameterSymbol parameter, KnownTypes known, HashSet<ITypeSymbol> visited, List<ContractInput> inputs)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        switch (ValidationParser.Classify(type, known, out var element, out var key))
        {
            case CheckShape.Array or CheckShape.List or CheckShape.Dictionary:
                if (key is not null)
                {
                    AddMembers(key, path + ".Keys[]", method, parameter, known, visited, inputs);
                }

                AddMembers(element!, path + "[]", method, parameter, known, visited, inputs);
                break;

            case CheckShape.Packable when visited.Add(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated)):
                if (MemoryPackFacts.GetShape(type) == PackableShape.Union)
                {
                    // The client sends one of the cases; the generated validator checks each case's members like any packable type's.
                    foreach (var unionCase in MemoryPackFacts.UnionCases((INamedTypeSymbol)type))
                    {
                        AddMembers(unionCase, path + MemoryPackFacts.CaseSegment(unionCase), method, parameter, known, visited, inputs);
                    }

                    break;
                }

                foreach (var member in ValidationParser.SerializedMembers((INamedTypeSymbol)type))
                {
                    var memberType = MemoryPackFacts.MemberType(member);
                    var memberPath = path + "." + member.Name;
                    var shape = ValidationParser.Classify(memberType, known, out _, out _);
                    inputs.Add(new ContractInput(member, memberType, ValidationParser.AttributesOf(member), method, parameter, memberPath, shape));
                    AddMembers(memberType, memberPath, method, parameter, known, visited, inputs);
                }

                break;
        }
    }
}

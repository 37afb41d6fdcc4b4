using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace ContractGen.CodeAnalysis;

/// <summary>
/// Turns <see cref="TypeFinding"/>s into <see cref="ContractProblem"/>s with the message arguments each descriptor expects,
/// and finds the problems inside the types a contract transfers (the analyzers' part; the generator emits code for a
/// contract whatever lies inside its <c>[MemoryPackable]</c> types, since MemoryPack writes those).
/// </summary>
internal static class TransferProblems
{
    /// <summary>
    /// The problem for <paramref name="finding"/> about <paramref name="subject"/> (e.g. <c>parameter 'order' of 'PlaceAsync'</c>).
    /// Message arguments: CGEN1005/CGEN3001 {subject, reason}; CGEN3004 {subject, type}; CGEN1013 {subject, type, reason}.
    /// </summary>
    public static ContractProblem Create(TypeFinding finding, string subject, Location? location)
    {
        var type = finding.Type.ToDisplayString();
        var arguments = finding.Id switch
        {
            DiagnosticIds.OpenPolymorphism => new[] { subject, type },
            DiagnosticIds.NotMemoryPackable => new[] { subject, type, finding.Reason },
            _ => new[] { subject, finding.Reason },
        };

        var problem = new ContractProblem(finding.Id, location, arguments);
        return finding.FixTarget is null || DocumentationCommentId.CreateDeclarationId(finding.FixTarget) is not { } typeId
            ? problem
            : problem with { Properties = problem.Properties.Add(DiagnosticProperties.TypeToFix, typeId) };
    }

    /// <summary>
    /// For every parameter and result of the contract's methods (its own and those of plain base interfaces; a base
    /// contract reports its own), the first finding of rule <paramref name="ruleId"/> inside the transferred type.
    /// </summary>
    public static IEnumerable<ContractProblem> FindInside(INamedTypeSymbol contract, KnownTypes known, string ruleId, CancellationToken cancellationToken)
    {
        foreach (var iface in new[] { contract }.Concat(contract.AllInterfaces.Where(i => !ContractCatalog.IsContract(i, known))))
        {
            foreach (var method in iface.GetMembers().OfType<IMethodSymbol>())
            {
                if (method is not { MethodKind: MethodKind.Ordinary, IsAbstract: true, IsStatic: false })
                {
                    continue;
                }

                var methodLocation = method.Locations.FirstOrDefault();
                if (ResultType(method, known) is { } result)
                {
                    var found = First(result, "result", ruleId, cancellationToken);
                    if (found is not null)
                    {
                        yield return CreateInside(found, $"the result of '{method.Name}'", ContractParser.GetReturnTypeLocation(method) ?? methodLocation);
                    }
                }

                foreach (var parameter in method.Parameters)
                {
                    if (parameter.RefKind != RefKind.None || SymbolEqualityComparer.Default.Equals(parameter.Type, known.CancellationToken))
                    {
                        continue;
                    }

                    var found = First(parameter.Type, parameter.Name, ruleId, cancellationToken);
                    if (found is not null)
                    {
                        yield return CreateInside(found, $"parameter '{parameter.Name}' of '{method.Name}'", parameter.Locations.FirstOrDefault() ?? methodLocation);
                    }
                }
            }
        }
    }

    private static TransferFinding? First(ITypeSymbol root, string rootPath, string ruleId, CancellationToken cancellationToken)
        => TransferWalker.Walk(root, rootPath, cancellationToken).FirstOrDefault(f => f.Finding.Id == ruleId);

    // The message carries the member's path; the diagnostic stays on the parameter or result, in the contract's document.
    private static ContractProblem CreateInside(TransferFinding found, string rootSubject, Location? location)
        => Create(found.Finding, $"member '{found.Path}' of {rootSubject}", location);

    private static ITypeSymbol? ResultType(IMethodSymbol method, KnownTypes known)
    {
        if (method.ReturnType is not INamedTypeSymbol { TypeArguments.Length: 1 } returnType)
        {
            return null;
        }

        var definition = returnType.OriginalDefinition;
        return SymbolEqualityComparer.Default.Equals(definition, known.TaskOfT)
               || SymbolEqualityComparer.Default.Equals(definition, known.ValueTaskOfT)
               || SymbolEqualityComparer.Default.Equals(definition, known.AsyncEnumerableOfT)
            ? returnType.TypeArguments[0]
            : null;
    }
}

using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ContractGen.Analyzers;

/// <summary>
/// Reports why a <c>[ServiceContract]</c> interface generates no code: it runs the same <see cref="ContractParser"/> as the
/// generator and turns each <see cref="ContractProblem"/> into a diagnostic (CGEN1xxx, CGEN2xxx).
/// </summary>
/// <remarks>
/// Every diagnostic is reported from the symbol action of the type it points into, so that the IDE shows it (and offers
/// its fix) while only that document is analyzed: a problem in the contract is reported by the contract; a missing
/// <c>partial</c> on a containing type by that containing type; a problem in a base interface the user cannot see or that
/// is not a contract itself, at the contract's name.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ContractStructureAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => DiagnosticDescriptors.ContractStructure;

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            // Most compilations define no contracts: one lookup, and nothing else is registered.
            if (start.Compilation.GetTypeByMetadataName(KnownTypes.ServiceContractAttributeName) is null)
            {
                return;
            }

            var known = new KnownTypes(start.Compilation);
            start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, known), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, KnownTypes known)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var reportedNotPartial = ContractCatalog.IsContract(type, known) && AnalyzeContract(context, type, known);
        if (!reportedNotPartial && type.GetTypeMembers().Length > 0)
        {
            AnalyzeContainer(context, type, known);
        }
    }

    /// <summary>
    /// Reports the contract's problems, except those another type's action reports where they point. Returns whether
    /// one of them was the contract's own missing <c>partial</c>.
    /// </summary>
    private static bool AnalyzeContract(SymbolAnalysisContext context, INamedTypeSymbol contract, KnownTypes known)
    {
        var contractLocation = contract.Locations.FirstOrDefault(l => l.IsInSource) ?? Location.None;
        var reportedNotPartial = false;
        foreach (var problem in ContractParser.Parse(contract, known, context.CancellationToken).Problems)
        {
            if (DiagnosticDescriptors.Find(problem.Id) is not { } descriptor)
            {
                continue;
            }

            var location = problem.Location;
            if (location is null || !location.IsInSource || !context.Compilation.ContainsSyntaxTree(location.SourceTree!))
            {
                // An inherited member compiled into another assembly: point at the contract that inherits it.
                context.ReportDiagnostic(Diagnostic.Create(descriptor, contractLocation, problem.MessageArguments));
            }
            else if (IsWithin(contract, location))
            {
                // The properties tell a code fix what to change (CGEN1013: the type to make [MemoryPackable] partial).
                context.ReportDiagnostic(Diagnostic.Create(descriptor, location, additionalLocations: null, problem.Properties, problem.MessageArguments));
                reportedNotPartial |= problem.Id == DiagnosticIds.ContractMustBePartial;
            }
            else if (problem.Id == DiagnosticIds.ContractMustBePartial || IsInBaseContract(contract, location, known))
            {
                // A containing type's missing 'partial' is reported by that type (AnalyzeContainer); a base contract's
                // problem by the base contract's own analysis, at the same place.
                continue;
            }
            else
            {
                // A member of a plain base interface: at the contract, with the member as the additional location.
                context.ReportDiagnostic(Diagnostic.Create(descriptor, contractLocation, new[] { location }, problem.MessageArguments));
            }
        }

        return reportedNotPartial;
    }

    /// <summary>
    /// Reports CGEN1001 on <paramref name="container"/> when a contract nested in it (at any depth) needs it to be
    /// partial. Once per container, however many contracts it holds (and not again when the container is itself a
    /// contract that reported it).
    /// </summary>
    private static void AnalyzeContainer(SymbolAnalysisContext context, INamedTypeSymbol container, KnownTypes known)
    {
        // Only a shortcut (the parser decides what is reported): a partial container has nothing to report, so its
        // nested contracts are not parsed a second time.
        if (container.DeclaringSyntaxReferences.Any(r => r.GetSyntax(context.CancellationToken) is TypeDeclarationSyntax d && d.Modifiers.Any(SyntaxKind.PartialKeyword)))
        {
            return;
        }

        foreach (var contract in NestedContracts(container, known))
        {
            var problem = ContractParser.Parse(contract, known, context.CancellationToken).Problems
                .FirstOrDefault(p => p.Id == DiagnosticIds.ContractMustBePartial && p.Location is { } l && container.Locations.Contains(l));
            if (problem is not null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContractMustBePartial, problem.Location, problem.MessageArguments));
                return;
            }
        }
    }

    private static IEnumerable<INamedTypeSymbol> NestedContracts(INamedTypeSymbol container, KnownTypes known)
    {
        foreach (var nested in container.GetTypeMembers())
        {
            if (ContractCatalog.IsContract(nested, known))
            {
                yield return nested;
            }

            foreach (var deeper in NestedContracts(nested, known))
            {
                yield return deeper;
            }
        }
    }

    private static bool IsWithin(INamedTypeSymbol type, Location location)
        => type.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == location.SourceTree && r.Span.Contains(location.SourceSpan));

    private static bool IsInBaseContract(INamedTypeSymbol contract, Location location, KnownTypes known)
        => contract.AllInterfaces.Any(i => IsWithin(i, location) && ContractCatalog.IsContract(i, known));
}

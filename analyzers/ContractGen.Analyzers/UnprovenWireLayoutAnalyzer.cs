using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ContractGen.Analyzers;

/// <summary>
/// CGEN3008: a parameter or result whose wire layout, somewhere inside it, the generated scan cannot prove
/// (<see cref="WireShapes"/>): a custom formatter, a GenerateType other than Object, a packable type from another
/// assembly. The generator then leaves that codec unscanned, so MemoryPack's reader would decode a peer's bytes unchecked.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnprovenWireLayoutAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.UnprovenWireLayout);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            // Most compilations define no contracts: one lookup, and nothing else is registered.
            if (start.Compilation.GetTypeByMetadataName(KnownTypes.ServiceContractAttributeName) is null)
            {
                return;
            }

            var known = new KnownTypes(start.Compilation);
            start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, known), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, KnownTypes known)
    {
        var contract = (INamedTypeSymbol)context.Symbol;
        if (!ContractCatalog.IsContract(contract, known))
        {
            return;
        }

        // Crossing a privilege boundary (System, User) an unchecked decoder is a hole; in an Application contract's
        // private helper, which runs as the application, it is a robustness problem.
        var severity = ContractOptions.Read(contract, known).Context == ServiceContexts.Application ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error;
        var shapes = new WireShapes();
        var registrations = new List<FormatterRegistration>();
        foreach (var method in ContractInputs.Methods(contract))
        {
            // A base contract's methods are reported by that contract's own analysis.
            if (!SymbolEqualityComparer.Default.Equals(method.ContainingType, contract) && ContractCatalog.IsContract(method.ContainingType, known))
            {
                continue;
            }

            foreach (var parameter in method.Parameters)
            {
                if (!SymbolEqualityComparer.Default.Equals(parameter.Type, known.CancellationToken))
                {
                    Check(context, contract, shapes, known, registrations, parameter.Type, $"parameter '{parameter.Name}' of '{method.Name}'", parameter.Name, parameter.Locations, severity);
                }
            }

            if (method.ReturnType is INamedTypeSymbol { TypeArguments.Length: 1 } returnType)
            {
                Check(context, contract, shapes, known, registrations, returnType.TypeArguments[0], $"the result of '{method.Name}'", "result", method.Locations, severity);
            }
        }
    }

    private static void Check(
        SymbolAnalysisContext context,
        INamedTypeSymbol contract,
        WireShapes shapes,
        KnownTypes known,
        List<FormatterRegistration> registrations,
        ITypeSymbol type,
        string what,
        string path,
        ImmutableArray<Location> locations,
        DiagnosticSeverity severity)
    {
        // A type that cannot cross at all is the structural rules' to report (CGEN1005, CGEN1013...), not this one's.
        if (WireTypes.Classify(type, known, registrations, out _) is null)
        {
            return;
        }

        if (shapes.FindUnproven(shapes.ForValue(type, null, path)).FirstOrDefault() is not { } reason)
        {
            return;
        }

        var location = locations.FirstOrDefault(l => l.IsInSource && context.Compilation.ContainsSyntaxTree(l.SourceTree!))
            ?? contract.Locations.FirstOrDefault(l => l.IsInSource)
            ?? Location.None;
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnprovenWireLayout, location, severity, null, null, what, reason));
    }
}

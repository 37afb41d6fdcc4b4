using System.Collections.Immutable;
using System.Linq;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ContractGen.Analyzers;

/// <summary>
/// The shell each transfer rule's analyzer shares: for every <c>[ServiceContract]</c> interface, it walks into the
/// <c>[MemoryPackable]</c> types its parameters and results transfer (<see cref="TransferProblems.FindInside"/>) and reports
/// the first member that breaks the rule, per parameter or result. The parameter or result itself is the parser's to
/// judge (<see cref="ContractStructureAnalyzer"/>), so nothing is reported twice.
/// </summary>
public abstract class TransferRuleAnalyzer : DiagnosticAnalyzer
{
    private readonly DiagnosticDescriptor _descriptor;

    /// <summary>Creates the analyzer of the rule <paramref name="descriptor"/> describes.</summary>
    private protected TransferRuleAnalyzer(DiagnosticDescriptor descriptor)
    {
        _descriptor = descriptor;
        SupportedDiagnostics = ImmutableArray.Create(descriptor);
    }

    /// <inheritdoc/>
    public sealed override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; }

    /// <inheritdoc/>
    public sealed override void Initialize(AnalysisContext context)
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
            start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, known), SymbolKind.NamedType);
        });
    }

    /// <summary>The severity of the rule in a contract of <paramref name="serviceContext"/> (the value of <c>ServiceContext</c>).</summary>
    private protected virtual DiagnosticSeverity GetSeverity(int serviceContext) => _descriptor.DefaultSeverity;

    private void AnalyzeType(SymbolAnalysisContext context, KnownTypes known)
    {
        var contract = (INamedTypeSymbol)context.Symbol;
        if (!ContractCatalog.IsContract(contract, known))
        {
            return;
        }

        var severity = GetSeverity(ContractOptions.Read(contract, known).Context);
        var contractLocation = contract.Locations.FirstOrDefault(l => l.IsInSource) ?? Location.None;
        foreach (var problem in TransferProblems.FindInside(contract, known, _descriptor.Id, context.CancellationToken))
        {
            // A method of a plain base interface declared elsewhere: at the contract, so that the IDE shows it with the
            // contract's document, with the parameter or result as the additional location.
            var location = problem.Location;
            Location[]? additional = null;
            if (location is null || !location.IsInSource || !contract.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == location.SourceTree && r.Span.Contains(location.SourceSpan)))
            {
                additional = location?.SourceTree is { } tree && context.Compilation.ContainsSyntaxTree(tree) ? new[] { location } : null;
                location = contractLocation;
            }

            context.ReportDiagnostic(Diagnostic.Create(_descriptor, location, severity, additional, problem.Properties, problem.MessageArguments));
        }
    }
}

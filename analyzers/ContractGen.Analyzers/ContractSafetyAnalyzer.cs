using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ContractGen.Analyzers;

/// <summary>
/// The common part of the rules that judge a contract as a whole (CGEN1014, CGEN3002, CGEN3003, CGEN3006, CGEN3007):
/// registration, the cheap exit for compilations without contracts, and reporting each finding from the symbol action of
/// the type it points into.
/// </summary>
/// <remarks>
/// A finding can point outside the contract: at a member of a <c>[MemoryPackable]</c> type the contract receives, or at a
/// method of a plain base interface. The IDE offers a fix only for a diagnostic reported by the action of the symbol that
/// contains it (a "local" diagnostic), so each rule runs once per compilation over every contract declared in it, and
/// each type's action reports the findings inside that type.
/// </remarks>
public abstract class ContractSafetyAnalyzer : DiagnosticAnalyzer
{
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

            var findings = new FindingsCache(this, start.Compilation, new KnownTypes(start.Compilation));
            start.RegisterSymbolAction(
                symbolContext =>
                {
                    if (findings.Get(symbolContext.CancellationToken).TryGetValue(symbolContext.Symbol, out var diagnostics))
                    {
                        foreach (var diagnostic in diagnostics)
                        {
                            symbolContext.ReportDiagnostic(diagnostic);
                        }
                    }
                },
                SymbolKind.NamedType);
        });
    }

    /// <summary>Finds this rule's problems in one <c>[ServiceContract]</c> interface declared in the compilation.</summary>
    private protected abstract void AnalyzeContract(ContractScope scope);

    /// <summary>A diagnostic and the type whose symbol action reports it.</summary>
    private protected readonly record struct Finding(ISymbol Owner, Diagnostic Diagnostic);

    /// <summary>One contract under analysis, and where its findings go.</summary>
    private protected sealed class ContractScope
    {
        private readonly Compilation _compilation;
        private readonly List<Finding> _findings;

        public ContractScope(Compilation compilation, INamedTypeSymbol contract, KnownTypes known, List<Finding> findings, CancellationToken cancellationToken)
        {
            _compilation = compilation;
            _findings = findings;
            Contract = contract;
            Known = known;
            Options = ContractOptions.Read(contract, known);
            CancellationToken = cancellationToken;
        }

        public INamedTypeSymbol Contract { get; }

        public KnownTypes Known { get; }

        public ContractOptions Options { get; }

        public CancellationToken CancellationToken { get; }

        /// <summary>
        /// Whether a method inherited from another contract is left to that contract's own analysis (which reports it
        /// where it is declared), so that it is not reported twice.
        /// </summary>
        public bool IsReportedByBaseContract(IMethodSymbol method)
            => !SymbolEqualityComparer.Default.Equals(method.ContainingType, Contract) && ContractCatalog.IsContract(method.ContainingType, Known);

        /// <summary>Whether <paramref name="symbol"/> is declared in this compilation's source, so that a diagnostic can point at it.</summary>
        public bool IsInSource(ISymbol symbol) => SourceLocation(symbol) is not null;

        /// <summary>
        /// Reports a problem with <paramref name="symbol"/> at its declaration when that is in this compilation's source,
        /// otherwise at <paramref name="fallback"/>'s, otherwise at the contract's name.
        /// </summary>
        public void Report(DiagnosticDescriptor descriptor, ISymbol symbol, ISymbol? fallback, ImmutableDictionary<string, string?>? properties, params object[] arguments)
        {
            foreach (var candidate in new[] { symbol, fallback, Contract })
            {
                if (candidate is not null && SourceLocation(candidate) is { } location)
                {
                    var owner = candidate as INamedTypeSymbol ?? candidate.ContainingType;
                    _findings.Add(new Finding(owner, Diagnostic.Create(descriptor, location, properties, arguments)));
                    return;
                }
            }
        }

        private Location? SourceLocation(ISymbol symbol)
            => symbol.Locations.FirstOrDefault(l => l.IsInSource && _compilation.ContainsSyntaxTree(l.SourceTree!));
    }

    /// <summary>The findings of one rule in one compilation, computed on first use (and again only if that was cancelled).</summary>
    private sealed class FindingsCache(ContractSafetyAnalyzer rule, Compilation compilation, KnownTypes known)
    {
        private Dictionary<ISymbol, List<Diagnostic>>? _byOwner;

        /// <summary>The diagnostics to report, by the type whose symbol action reports them.</summary>
        public Dictionary<ISymbol, List<Diagnostic>> Get(CancellationToken cancellationToken)
        {
            if (Volatile.Read(ref _byOwner) is { } ready)
            {
                return ready;
            }

            var findings = new List<Finding>();
            foreach (var contract in ContractCatalog.FindContracts(compilation, known, cancellationToken))
            {
                rule.AnalyzeContract(new ContractScope(compilation, contract, known, findings, cancellationToken));
            }

            var byOwner = findings
                .GroupBy(f => f.Owner, SymbolEqualityComparer.Default)
                .ToDictionary(g => g.Key, g => g.Select(f => f.Diagnostic).ToList(), SymbolEqualityComparer.Default);

            // Two threads may both compute it; the results are equal, and the first one stored wins. A cancelled
            // computation stores nothing, so the next action starts again.
            return Interlocked.CompareExchange(ref _byOwner, byOwner, null) ?? byOwner;
        }
    }
}

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace ContractGen.Analyzers;

/// <summary>
/// Compares the contracts of a compilation with the project's <c>ContractGen.lock.txt</c> (an additional file):
/// CGEN1011 when a recorded contract or method was removed or its entry (wire shape, authorization, validators,
/// context) changed, CGEN1012 when a contract or method is not recorded yet. Without a lock file it reports nothing:
/// the check is opt-in, like the public API analyzers and their <c>PublicAPI.Shipped.txt</c>.
/// </summary>
/// <remarks>
/// Each contract is compared in its own symbol action, so the IDE shows the diagnostics while that document is open;
/// a recorded contract that no longer exists has no symbol, so it is reported in the lock file itself, by the action
/// on that additional file. The entries compared are rendered by <see cref="ContractLock"/>, the same code that writes
/// the file, from the model <see cref="ContractParser"/> reads: there is one definition of a contract's shape.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ContractLockAnalyzer : DiagnosticAnalyzer
{
    private const string BreaksClients = "clients built against the recorded contract get 'method not supported'";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => DiagnosticDescriptors.LockFile;

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            if (start.Compilation.GetTypeByMetadataName(KnownTypes.ServiceContractAttributeName) is null
                || FindLockFile(start.Options.AdditionalFiles) is not { } lockFile
                || lockFile.GetText(start.CancellationToken) is not { } lockText)
            {
                return;
            }

            var locked = ContractLock.Parse(lockText.ToString());
            var known = new KnownTypes(start.Compilation);
            start.RegisterSymbolAction(symbolContext => AnalyzeContract(symbolContext, known, locked), SymbolKind.NamedType);
            start.RegisterAdditionalFileAction(fileContext =>
            {
                if (fileContext.AdditionalFile == lockFile)
                {
                    ReportRemovedContracts(fileContext, lockText, known, locked);
                }
            });
        });
    }

    /// <summary>The project's lock file: the additional file named <c>ContractGen.lock.txt</c>, wherever it lives.</summary>
    internal static AdditionalText? FindLockFile(ImmutableArray<AdditionalText> files)
        => files.FirstOrDefault(f => string.Equals(Path.GetFileName(f.Path), ContractLock.FileName, StringComparison.Ordinal));

    private static void AnalyzeContract(SymbolAnalysisContext context, KnownTypes known, Dictionary<string, LockedContract> locked)
    {
        var contract = (INamedTypeSymbol)context.Symbol;
        if (!ContractCatalog.IsContract(contract, known)
            || ContractParser.Parse(contract, known, context.CancellationToken).Model is not { } model)
        {
            // An invalid contract generates nothing and its CGEN1xxx says why; it is compared once it is valid.
            return;
        }

        var contractLocation = contract.Locations.FirstOrDefault(l => l.IsInSource) ?? Location.None;
        var contractSubject = $"contract '{model.WireName}'";
        if (!locked.TryGetValue(model.WireName, out var entry))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContractNotInLock, contractLocation, contractSubject));
            return;
        }

        var contextName = ContractLock.ContextName(model.Context);
        if (!string.Equals(entry.Context, contextName, StringComparison.Ordinal))
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContractChangedFromLock, contractLocation,
                contractSubject, $"context changed from '{entry.Context}' to '{contextName}'"));
        }

        var locations = MethodLocations(contract, model, contractLocation, context.Compilation);
        var current = model.Methods.ToDictionary(m => m.Signature, StringComparer.Ordinal);
        var unrecorded = model.Methods.Where(m => !entry.Methods.ContainsKey(m.Signature)).ToList();
        var missing = entry.Methods.Keys.Where(s => !current.ContainsKey(s)).ToList();
        foreach (var recorded in entry.Methods.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            var subject = $"method '{recorded.Key}' of contract '{model.WireName}'";
            if (current.TryGetValue(recorded.Key, out var method))
            {
                var changes = ContractLock.Compare(recorded.Value, ContractLock.RenderMethod(model, method));
                if (changes.Count > 0)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContractChangedFromLock, locations[method.Signature],
                        subject, string.Join("; ", changes)));
                }

                continue;
            }

            // A recorded signature is gone. When exactly one method of that name was lost and exactly one new one
            // appeared, it is the same method with a new wire shape: say so at the method, not as a removal plus an addition.
            var name = ContractLock.MethodName(recorded.Key);
            var reshaped = unrecorded.Where(m => m.Name == name).ToList();
            if (reshaped.Count == 1 && missing.Count(s => ContractLock.MethodName(s) == name) == 1)
            {
                unrecorded.Remove(reshaped[0]);
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContractChangedFromLock, locations[reshaped[0].Signature],
                    subject, $"wire shape changed to '{reshaped[0].Signature}': {BreaksClients}"));
            }
            else
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContractChangedFromLock, contractLocation,
                    subject, $"the method was removed: {BreaksClients}"));
            }
        }

        foreach (var method in unrecorded)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContractNotInLock, locations[method.Signature],
                $"method '{method.Signature}' of contract '{model.WireName}'"));
        }
    }

    /// <summary>Reports, at its line in the lock file, every recorded contract that no contract of the compilation carries any more.</summary>
    private static void ReportRemovedContracts(AdditionalFileAnalysisContext context, SourceText lockText, KnownTypes known, Dictionary<string, LockedContract> locked)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var contract in ContractCatalog.FindContracts(context.Compilation, known, context.CancellationToken))
        {
            if (ContractParser.Parse(contract, known, context.CancellationToken).Model is not { } model)
            {
                // An invalid contract has no wire name to match yet; reporting its entry as removed would mislead.
                return;
            }

            present.Add(model.WireName);
        }

        foreach (var line in lockText.Lines)
        {
            var text = line.ToString();
            if (text.StartsWith("contract ", StringComparison.Ordinal)
                && text.Substring("contract ".Length).Trim() is var name
                && locked.ContainsKey(name)
                && !present.Contains(name))
            {
                var location = Location.Create(context.AdditionalFile.Path, line.Span, lockText.Lines.GetLinePositionSpan(line.Span));
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ContractChangedFromLock, location,
                    $"contract '{name}'", $"no contract in the project has this name any more, so it was removed or renamed: {BreaksClients}"));
            }
        }
    }

    /// <summary>Where each method of <paramref name="model"/> is declared, by signature; the contract for one declared elsewhere.</summary>
    private static Dictionary<string, Location> MethodLocations(INamedTypeSymbol contract, ContractModel model, Location fallback, Compilation compilation)
    {
        // The parser lists a valid contract's methods in the order it meets them (the contract's own members, then each
        // base interface's), skipping the same members as here: the n-th symbol is the n-th method of the model.
        var symbols = new[] { contract }.Concat(contract.AllInterfaces)
            .SelectMany(i => i.GetMembers().OfType<IMethodSymbol>())
            .Where(m => !m.IsStatic && !m.IsImplicitlyDeclared && m is { MethodKind: MethodKind.Ordinary, IsAbstract: true })
            .ToList();
        var locations = new Dictionary<string, Location>(StringComparer.Ordinal);
        for (var i = 0; i < model.Methods.Count; i++)
        {
            var method = model.Methods[i];
            var location = symbols.Count == model.Methods.Count && symbols[i].Name == method.Name
                ? symbols[i].Locations.FirstOrDefault(l => l.IsInSource && compilation.ContainsSyntaxTree(l.SourceTree!))
                : null;
            locations[method.Signature] = location ?? fallback;
        }

        return locations;
    }
}

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ContractGen.Analyzers;

/// <summary>
/// CGEN4002: code sets <c>ServiceHostOptions.IncludeExceptionDetails = true</c> for a host that serves a
/// <c>System</c> contract, whose callers are every local user: they would receive exception messages and stacks.
/// </summary>
/// <remarks>
/// Options and host are linked without data flow: an assignment is reported when the same member (method, lambda's
/// method, top-level statements) serves a System contract through an <c>AddService</c> call, or when it serves none and
/// the compilation serves a System contract somewhere. So a daemon that builds its options in a helper method is
/// caught, and a project whose only host serves a User agent or a private helper is not. Only the constant
/// <see langword="true"/> is reported: a value read from configuration or an environment check is a deliberate switch.
/// <c>IncludeExceptionTypes</c> is not reported: a type name says which code failed, not with what data.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ExceptionDetailsAnalyzer : DiagnosticAnalyzer
{
    private const string OptionsTypeName = "ContractGen.ServiceHostOptions";
    private const string PropertyName = "IncludeExceptionDetails";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.ExceptionDetailsInSystemDaemon);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            // Only a project that can build a host can set its options.
            if (start.Compilation.GetTypeByMetadataName(OptionsTypeName) is not { } options
                || options.GetMembers(PropertyName).OfType<IPropertySymbol>().FirstOrDefault() is not { } property)
            {
                return;
            }

            var known = new KnownTypes(start.Compilation);
            var assignments = new ConcurrentQueue<(ISymbol Owner, Location Location)>();
            var served = new ConcurrentQueue<(ISymbol Owner, string? SystemContract)>();
            start.RegisterOperationAction(c =>
            {
                var assignment = (ISimpleAssignmentOperation)c.Operation;
                if (assignment.Target is IPropertyReferenceOperation target
                    && SymbolEqualityComparer.Default.Equals(target.Property.OriginalDefinition, property)
                    && assignment.Value.ConstantValue is { HasValue: true, Value: true })
                {
                    assignments.Enqueue((c.ContainingSymbol, assignment.Syntax.GetLocation()));
                }
            }, OperationKind.SimpleAssignment);

            start.RegisterOperationAction(c =>
            {
                if (ServedContract((IInvocationOperation)c.Operation, known) is { } contract)
                {
                    var attribute = ContractCatalog.FindContractAttribute(contract, known)!;
                    served.Enqueue((c.ContainingSymbol, ServiceContexts.Of(attribute) == ServiceContexts.System ? contract.Name : null));
                }
            }, OperationKind.Invocation);

            start.RegisterCompilationEndAction(end =>
            {
                // The first by name, not by arrival: the analyzer runs concurrently, its message must not vary.
                static string? FirstSystem(IEnumerable<(ISymbol Owner, string? SystemContract)> calls)
                    => calls.Select(s => s.SystemContract).Where(name => name is not null).OrderBy(name => name, StringComparer.Ordinal).FirstOrDefault();

                var anySystem = FirstSystem(served);
                foreach (var (owner, location) in assignments)
                {
                    var local = served.Where(s => SymbolEqualityComparer.Default.Equals(s.Owner, owner)).ToList();
                    var system = local.Count == 0 ? anySystem : FirstSystem(local);
                    if (system is not null)
                    {
                        end.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ExceptionDetailsInSystemDaemon, location, system));
                    }
                }
            });
        });
    }

    /// <summary>
    /// The contract that <paramref name="invocation"/> serves when it is ContractGen's <c>AddService&lt;TContract…&gt;</c>
    /// (<c>ServiceHost</c>, or the generic-host builder of ContractGen.Extensions.Hosting); otherwise null.
    /// </summary>
    private static INamedTypeSymbol? ServedContract(IInvocationOperation invocation, KnownTypes known)
    {
        var method = invocation.TargetMethod;
        if (method.Name != "AddService" || method.TypeArguments.Length == 0
            || method.ContainingType.ContainingNamespace?.ToDisplayString() is not ("ContractGen" or "ContractGen.Extensions.Hosting"))
        {
            return null;
        }

        return method.TypeArguments[0] is INamedTypeSymbol contract && ContractCatalog.IsContract(contract, known) ? contract : null;
    }
}

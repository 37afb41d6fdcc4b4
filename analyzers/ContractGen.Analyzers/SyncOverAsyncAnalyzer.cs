using System.Collections.Immutable;
using System.Linq;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ContractGen.Analyzers;

/// <summary>
/// CGEN4001: a caller blocks on the task of a service call, <c>proxy.GetAsync().Result</c>, <c>.Wait()</c> or
/// <c>.GetAwaiter().GetResult()</c> (also through <c>ConfigureAwait</c> and <c>AsTask</c>). A service call is a call to an
/// abstract method through a <c>[ServiceContract]</c> interface, or to a method of a generated proxy class.
/// </summary>
/// <remarks>
/// Only the call written in the same expression is recognised: a task stored in a variable and waited on later is not
/// followed, which keeps the rule free of false positives and of data-flow analysis.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SyncOverAsyncAnalyzer : DiagnosticAnalyzer
{
    private const string GeneratedCodeAttributeName = "System.CodeDom.Compiler.GeneratedCodeAttribute";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.SyncOverAsyncCall);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            // Call sites are anywhere in a project that references ContractGen; a project that does not has none.
            if (start.Compilation.GetTypeByMetadataName(KnownTypes.ServiceContractAttributeName) is null)
            {
                return;
            }

            var tasks = new TaskTypes(start.Compilation, new KnownTypes(start.Compilation));
            start.RegisterOperationAction(c => AnalyzeResult(c, tasks), OperationKind.PropertyReference);
            start.RegisterOperationAction(c => AnalyzeInvocation(c, tasks), OperationKind.Invocation);
        });
    }

    private static void AnalyzeResult(OperationAnalysisContext context, TaskTypes tasks)
    {
        var reference = (IPropertyReferenceOperation)context.Operation;
        if (reference.Property.Name == "Result" && tasks.IsTaskOfT(reference.Property.ContainingType))
        {
            Report(context, tasks, reference.Instance, ".Result");
        }
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, TaskTypes tasks)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (method.Name == "Wait" && tasks.IsTask(method.ContainingType))
        {
            Report(context, tasks, invocation.Instance, ".Wait()");
        }
        else if (method.Name == "GetResult" && method.Parameters.Length == 0
                 && OperationFacts.WithoutConversions(invocation.Instance) is IInvocationOperation { TargetMethod.Name: "GetAwaiter", TargetMethod.Parameters.Length: 0 } getAwaiter
                 && tasks.IsAwaitable(getAwaiter.TargetMethod.ContainingType))
        {
            Report(context, tasks, getAwaiter.Instance, ".GetAwaiter().GetResult()");
        }
    }

    private static void Report(OperationAnalysisContext context, TaskTypes tasks, IOperation? instance, string how)
    {
        // proxy.GetAsync().ConfigureAwait(false).GetAwaiter().GetResult() and proxy.GetAsync().AsTask().Result block as well,
        // and so does a wait on a local that holds such a task: 'var t = proxy.GetAsync(); t.Wait();'.
        var operation = OperationFacts.WithoutConversions(instance);
        while (true)
        {
            if (operation is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" or "AsTask" } wrapper && tasks.IsAwaitable(wrapper.TargetMethod.ContainingType))
            {
                operation = OperationFacts.WithoutConversions(wrapper.Instance);
            }
            else if (operation is ILocalReferenceOperation local && SingleAssignment(local) is { } assigned)
            {
                operation = OperationFacts.WithoutConversions(assigned);
            }
            else
            {
                break;
            }
        }

        if (operation is IInvocationOperation call && tasks.IsServiceCall(call))
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.SyncOverAsyncCall,
                context.Operation.Syntax.GetLocation(),
                call.TargetMethod.ContainingType.Name + "." + call.TargetMethod.Name,
                how));
        }
    }

    /// <summary>
    /// The value a local is initialized with, when that is the only value it is ever given in its method: a local that
    /// is assigned again (or passed by reference) could hold any task by the time it is waited on.
    /// </summary>
    private static IOperation? SingleAssignment(ILocalReferenceOperation reference)
    {
        IOperation? initializer = null;
        foreach (var operation in OperationFacts.Root(reference).Descendants())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, reference.Local):
                    initializer = declarator.GetVariableInitializer()?.Value;
                    break;
                case IAssignmentOperation { Target: ILocalReferenceOperation target } when SymbolEqualityComparer.Default.Equals(target.Local, reference.Local):
                case IArgumentOperation { Parameter.RefKind: not RefKind.None, Value: ILocalReferenceOperation byRef } when SymbolEqualityComparer.Default.Equals(byRef.Local, reference.Local):
                    return null;
            }
        }

        return initializer;
    }

    /// <summary>The task and awaitable types, and the test for a service call, resolved once per compilation.</summary>
    private sealed class TaskTypes
    {
        private readonly KnownTypes _known;
        private readonly ImmutableHashSet<INamedTypeSymbol> _tasks;
        private readonly ImmutableHashSet<INamedTypeSymbol> _tasksOfT;
        private readonly ImmutableHashSet<INamedTypeSymbol> _awaitables;

        public TaskTypes(Compilation compilation, KnownTypes known)
        {
            _known = known;
            _tasks = Resolve(compilation, "System.Threading.Tasks.Task", "System.Threading.Tasks.Task`1");
            _tasksOfT = Resolve(compilation, "System.Threading.Tasks.Task`1", "System.Threading.Tasks.ValueTask`1");
            _awaitables = _tasks.Union(_tasksOfT).Union(Resolve(
                compilation,
                "System.Threading.Tasks.ValueTask",
                "System.Runtime.CompilerServices.ConfiguredTaskAwaitable",
                "System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1",
                "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable",
                "System.Runtime.CompilerServices.ConfiguredValueTaskAwaitable`1"));
        }

        public bool IsTask(INamedTypeSymbol type) => _tasks.Contains(type.OriginalDefinition);

        public bool IsTaskOfT(INamedTypeSymbol type) => _tasksOfT.Contains(type.OriginalDefinition);

        public bool IsAwaitable(INamedTypeSymbol type) => _awaitables.Contains(type.OriginalDefinition);

        /// <summary>
        /// Whether <paramref name="call"/> goes to another process: an abstract method called through a contract interface
        /// (or declared by one), or a method of a class ContractGen generated that implements a contract (its proxy).
        /// </summary>
        public bool IsServiceCall(IInvocationOperation call)
        {
            var method = call.TargetMethod;
            if (method.ContainingType.TypeKind == TypeKind.Interface)
            {
                return method.IsAbstract && (IsContract(method.ContainingType) || call.Instance?.Type is INamedTypeSymbol { TypeKind: TypeKind.Interface } receiver && IsContract(receiver));
            }

            var type = method.ContainingType;
            return type.AllInterfaces.Any(IsContract)
                   && type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == GeneratedCodeAttributeName
                                                    && a.ConstructorArguments.FirstOrDefault().Value is "ContractGen");
        }

        private bool IsContract(INamedTypeSymbol type) => ContractCatalog.IsContract(type, _known);

        private static ImmutableHashSet<INamedTypeSymbol> Resolve(Compilation compilation, params string[] names)
            => names.Select(compilation.GetTypeByMetadataName).OfType<INamedTypeSymbol>().ToImmutableHashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
    }
}

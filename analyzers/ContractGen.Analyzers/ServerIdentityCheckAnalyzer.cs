using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ContractGen.Analyzers;

/// <summary>
/// CGEN4003: code sets <c>ServiceConnectionOptions.VerifyServerIdentity = false</c> (in an object initializer or by
/// assignment) for options that reach a connection to a <c>System</c> or <c>User</c> contract.
/// </summary>
/// <remarks>
/// Where the options go is followed within the method that sets the property: passed directly to
/// <c>ServiceConnection.ConnectAsync&lt;TContract&gt;</c>, or through a local passed there. Options that go only to
/// <c>Application</c> contracts' connections (or to <c>HelperOptions.Connection</c>, a private helper's) are not reported:
/// a helper's launcher already checks its own child. Options whose destination cannot be seen (returned, stored in a field,
/// passed to other code) are reported, since turning the check off is the risky act and most connections are to daemons
/// and agents; suppress with a justification where the options are meant only for helpers. Only the constant
/// <see langword="false"/> is reported: a value read from configuration is not known at compile time.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ServerIdentityCheckAnalyzer : DiagnosticAnalyzer
{
    private const string OptionsTypeName = "ContractGen.ServiceConnectionOptions";
    private const string ConnectionTypeName = "ContractGen.ServiceConnection";
    private const string HelperOptionsTypeName = "ContractGen.HelperOptions";
    private const string PropertyName = "VerifyServerIdentity";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.ServerIdentityCheckOff);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            // Only a project that references the runtime can set the option.
            if (start.Compilation.GetTypeByMetadataName(OptionsTypeName) is not { } options)
            {
                return;
            }

            var types = new Types(
                options,
                start.Compilation.GetTypeByMetadataName(ConnectionTypeName),
                start.Compilation.GetTypeByMetadataName(HelperOptionsTypeName),
                new KnownTypes(start.Compilation));
            start.RegisterOperationAction(c => Analyze(c, types), OperationKind.SimpleAssignment);
        });
    }

    private static void Analyze(OperationAnalysisContext context, Types types)
    {
        var assignment = (ISimpleAssignmentOperation)context.Operation;
        if (assignment.Target is not IPropertyReferenceOperation { Property.Name: PropertyName } property
            || !SymbolEqualityComparer.Default.Equals(property.Property.ContainingType, types.Options)
            || OperationFacts.WithoutConversions(assignment.Value)!.ConstantValue is not { HasValue: true, Value: false })
        {
            return;
        }

        var contexts = new List<(int Context, string Contract)>();
        var known = FollowOptions(property.Instance, assignment, types, contexts);

        // Every destination seen is a private helper's: nothing to report.
        if (known && contexts.Count > 0 && contexts.All(c => c.Context == ServiceContexts.Application))
        {
            return;
        }

        var risky = contexts.FirstOrDefault(c => c.Context != ServiceContexts.Application);
        var whose = risky.Contract is null
            ? "a connection whose contract cannot be determined here"
            : $"the {(risky.Context == ServiceContexts.System ? "System" : "User")} contract '{risky.Contract}'";
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ServerIdentityCheckOff, assignment.Syntax.GetLocation(), whose));
    }

    /// <summary>
    /// Collects the contexts of the connections the options object reaches; false when some destination cannot be seen.
    /// <paramref name="instance"/> is the receiver of the assignment (the implicit receiver inside an object initializer).
    /// </summary>
    private static bool FollowOptions(IOperation? instance, IOperation assignment, Types types, List<(int, string)> contexts)
    {
        instance = OperationFacts.WithoutConversions(instance);
        if (instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver })
        {
            // new ServiceConnectionOptions { VerifyServerIdentity = false }, or new HelperOptions { Connection = { ... } }.
            var initializer = assignment.Parent;
            switch (initializer?.Parent)
            {
                case IObjectCreationOperation creation:
                    return FollowValue(creation, types, contexts);
                case IMemberInitializerOperation { InitializedMember: IPropertyReferenceOperation member }:
                    return IsHelperConnection(member, types, contexts);
                default:
                    return false;
            }
        }

        return instance switch
        {
            ILocalReferenceOperation local => FollowLocal(local.Local, local, types, contexts),
            IPropertyReferenceOperation member => IsHelperConnection(member, types, contexts),
            _ => false,
        };
    }

    /// <summary>Follows a value (the options object) to where it is used: an argument, a local's initializer, an assignment.</summary>
    private static bool FollowValue(IOperation value, Types types, List<(int, string)> contexts)
    {
        var parent = value.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            value = parent;
            parent = parent.Parent;
        }

        switch (parent)
        {
            case IArgumentOperation { Parent: IInvocationOperation invocation }:
                return AddConnection(invocation, types, contexts);
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                return FollowLocal(declarator.Symbol, declarator, types, contexts);
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assigned when assigned.Value == value:
                return FollowLocal(local.Local, local, types, contexts);
            case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation member } assigned when assigned.Value == value:
                return IsHelperConnection(member, types, contexts);
            default:
                return false;
        }
    }

    /// <summary>Every use of <paramref name="local"/> in its method, each of which must be a connection seen or an option set.</summary>
    private static bool FollowLocal(ILocalSymbol local, IOperation anywhere, Types types, List<(int, string)> contexts)
    {
        var root = OperationFacts.Root(anywhere);
        var allSeen = true;
        var used = false;
        foreach (var reference in root.Descendants().OfType<ILocalReferenceOperation>())
        {
            if (!SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                continue;
            }

            // Setting or reading its own properties (options.VerifyServerIdentity = false) is not a destination.
            if (reference.Parent is IPropertyReferenceOperation or IFieldReferenceOperation
                || reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference)
            {
                continue;
            }

            used = true;
            allSeen &= FollowValue(reference, types, contexts);
        }

        return used && allSeen;
    }

    private static bool AddConnection(IInvocationOperation invocation, Types types, List<(int, string)> contexts)
    {
        var method = invocation.TargetMethod;
        if (method.Name != "ConnectAsync" || method.TypeArguments.Length != 1
            || !SymbolEqualityComparer.Default.Equals(method.ContainingType, types.Connection)
            || method.TypeArguments[0] is not INamedTypeSymbol contract
            || ContractCatalog.FindContractAttribute(contract, types.Known) is not { } attribute)
        {
            return false;
        }

        contexts.Add((ServiceContexts.Of(attribute), contract.Name));
        return true;
    }

    /// <summary>HelperOptions.Connection: the options of a private helper's connection.</summary>
    private static bool IsHelperConnection(IPropertyReferenceOperation member, Types types, List<(int, string)> contexts)
    {
        if (member.Property.Name == "Connection" && SymbolEqualityComparer.Default.Equals(member.Property.ContainingType, types.HelperOptions))
        {
            contexts.Add((ServiceContexts.Application, "helper"));
            return true;
        }

        return false;
    }

    /// <summary>The runtime types the rule looks for, resolved once per compilation.</summary>
    private sealed record Types(INamedTypeSymbol Options, INamedTypeSymbol? Connection, INamedTypeSymbol? HelperOptions, KnownTypes Known);
}

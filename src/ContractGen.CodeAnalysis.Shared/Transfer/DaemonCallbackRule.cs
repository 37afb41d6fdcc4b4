using Microsoft.CodeAnalysis;

namespace ContractGen.CodeAnalysis;

/// <summary>
/// CGEN3005: a parameter of a <c>ServiceContext.System</c> contract through which the daemon would call back into its
/// client (a delegate, <c>IProgress&lt;T&gt;</c>, <c>IObserver&lt;T&gt;</c>, a contract the client hosts, any interface that
/// is not a MemoryPack union). A daemon answers requests and never initiates contact with a user process, so this is
/// reported instead of CGEN1005, with the advice that fits: return a stream the client opens.
/// </summary>
internal static class DaemonCallbackRule
{
    /// <summary>The problem, when <paramref name="parameter"/> of a contract running in <paramref name="context"/> is a callback.</summary>
    public static ContractProblem? Check(IParameterSymbol parameter, IMethodSymbol method, int context, Location? location)
    {
        if (context != ServiceContexts.System || !IsCallback(parameter.Type))
        {
            return null;
        }

        return new ContractProblem(DiagnosticIds.DaemonCallback, location, parameter.Name, method.Name, parameter.Type.ToDisplayString());
    }

    /// <summary>Whether values of <paramref name="type"/> are things to call rather than data: delegates and interfaces other than collections and unions.</summary>
    public static bool IsCallback(ITypeSymbol type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        return type switch
        {
            { TypeKind: TypeKind.Delegate } or { SpecialType: SpecialType.System_Delegate or SpecialType.System_MulticastDelegate } => true,
            INamedTypeSymbol { TypeKind: TypeKind.Interface } named
                => !MemoryPackFacts.IsKnownContainer(named) && MemoryPackFacts.GetShape(named) == PackableShape.None,
            _ => false,
        };
    }
}

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ContractGen.Analyzers;

/// <summary>Small walks over the operation tree that the call-site rules (CGEN4001, CGEN4003) share.</summary>
internal static class OperationFacts
{
    /// <summary>The operation under any implicit or explicit conversions and parentheses.</summary>
    public static IOperation? WithoutConversions(IOperation? operation)
    {
        while (operation is IConversionOperation or IParenthesizedOperation)
        {
            operation = operation is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)operation).Operand;
        }

        return operation;
    }

    /// <summary>The root of the operation tree <paramref name="operation"/> is in: the body of its method, lambda or initializer.</summary>
    public static IOperation Root(IOperation operation)
    {
        while (operation.Parent is not null)
        {
            operation = operation.Parent;
        }

        return operation;
    }
}

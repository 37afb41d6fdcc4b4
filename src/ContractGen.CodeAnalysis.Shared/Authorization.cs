using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ContractGen.CodeAnalysis;

/// <summary>Reads the authorization attributes of a contract and its methods into the rules the dispatcher enforces.</summary>
internal static class Authorization
{
    private const int UserContext = 1;

    /// <summary>The rule an attribute on <paramref name="symbol"/> declares; <paramref name="explicitlyOpen"/> when it says any local user.</summary>
    public static CallerRuleModel? ReadRule(ISymbol symbol, KnownTypes known, out bool explicitlyOpen)
    {
        explicitlyOpen = false;
        foreach (var attribute in symbol.GetAttributes())
        {
            var type = attribute.AttributeClass;
            if (SymbolEqualityComparer.Default.Equals(type, known.RequireRootAttribute))
            {
                return new CallerRuleModel(true, false, default, default, default);
            }

            if (SymbolEqualityComparer.Default.Equals(type, known.AllowAnyLocalUserAttribute))
            {
                explicitlyOpen = true;
            }

            if (SymbolEqualityComparer.Default.Equals(type, known.AllowCallersAttribute))
            {
                return new CallerRuleModel(
                    GetBool(attribute, "Root"),
                    GetBool(attribute, "SameUser"),
                    new EquatableArray<string>(GetArray(attribute, "Users").OfType<string>()),
                    new EquatableArray<uint>(GetArray(attribute, "UserIds").OfType<uint>()),
                    new EquatableArray<string>(GetArray(attribute, "Groups").OfType<string>()));
            }
        }

        return null;
    }

    /// <summary>
    /// The rules that apply to a method: the contract's and the method's (both must pass, so the strictest wins).
    /// Without either, the context decides: a system daemon's method is open to any local user, an agent's or a
    /// helper's only to the service's own user.
    /// </summary>
    public static EquatableArray<CallerRuleModel> GetPolicy(CallerRuleModel? contractRule, bool contractOpen, CallerRuleModel? methodRule, bool methodOpen, int context)
    {
        var rules = new List<CallerRuleModel>();
        if (contractRule is not null)
        {
            rules.Add(contractRule);
        }

        if (methodRule is not null)
        {
            rules.Add(methodRule);
        }

        if (rules.Count == 0 && !contractOpen && !methodOpen && context >= UserContext)
        {
            rules.Add(new CallerRuleModel(false, true, default, default, default));
        }

        return new EquatableArray<CallerRuleModel>(rules);
    }

    private static bool GetBool(AttributeData attribute, string name)
        => attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value is true;

    private static IEnumerable<object?> GetArray(AttributeData attribute, string name)
    {
        var value = attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value;
        return value.Kind == TypedConstantKind.Array ? value.Values.Select(v => v.Value) : Enumerable.Empty<object?>();
    }
}

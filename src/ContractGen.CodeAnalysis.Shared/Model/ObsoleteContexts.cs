using System.Collections.Generic;
using System.Linq;

namespace ContractGen.CodeAnalysis;

/// <summary>
/// Spreads "must be marked obsolete" along the calls generated code makes. A generated member that names an obsolete
/// symbol is marked obsolete, so that the compiler reports nothing inside it (warning or error level, any diagnostic
/// ID); whatever generated code calls that member must then be marked too. Type validators call each other (a packable
/// type's member of another packable type, a union's cases), and a method's argument check calls them, so a method whose arguments
/// reach an obsolete type through its members needs the same treatment as one that names it.
/// </summary>
internal static class ObsoleteContexts
{
    public static ContractModel Propagate(ContractModel model)
    {
        var calls = model.TypeValidators.ToDictionary(
            t => t.MethodName,
            t => t.Members.SelectMany(m => CalledValidators(m.Check)).Concat(t.Cases.Select(c => c.Validator).OfType<string>()).ToList(),
            System.StringComparer.Ordinal);
        var obsolete = new HashSet<string>(model.TypeValidators.Where(t => t.IsObsolete).Select(t => t.MethodName), System.StringComparer.Ordinal);

        // A fixed point: validators may call each other in cycles.
        for (var changed = obsolete.Count > 0; changed;)
        {
            changed = false;
            foreach (var validator in calls)
            {
                if (!obsolete.Contains(validator.Key) && validator.Value.Any(obsolete.Contains))
                {
                    changed |= obsolete.Add(validator.Key);
                }
            }
        }

        if (obsolete.Count == 0)
        {
            return model;
        }

        var methods = model.Methods.Select(m => m.IsObsolete || !m.Parameters.Any(p => p.Check is { } check && CalledValidators(check).Any(obsolete.Contains))
            ? m
            : m with { IsObsolete = true });
        var validators = model.TypeValidators.Select(t => obsolete.Contains(t.MethodName) ? t with { IsObsolete = true } : t);
        return model with
        {
            Methods = new EquatableArray<MethodModel>(methods),
            TypeValidators = new EquatableArray<TypeValidatorModel>(validators),
        };
    }

    /// <summary>The type validators a check calls directly: its own and those of its elements, keys and values.</summary>
    private static IEnumerable<string> CalledValidators(CheckModel? check)
    {
        for (; check is not null; check = check.Element)
        {
            if (check.Validator is { } validator)
            {
                yield return validator;
            }

            foreach (var key in CalledValidators(check.Key))
            {
                yield return key;
            }
        }
    }
}

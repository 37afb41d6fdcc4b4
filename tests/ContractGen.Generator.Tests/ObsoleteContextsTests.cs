using System.Linq;
using ContractGen.CodeAnalysis;
using Xunit;
using static ContractGen.Generator.Tests.Infrastructure.Models;

namespace ContractGen.Generator.Tests;

/// <summary>
/// <see cref="ObsoleteContexts.Propagate"/> on hand-built models: the obsolete mark follows validator calls, through
/// cycles, to the methods whose argument checks reach an obsolete type, and nowhere else.
/// </summary>
public sealed class ObsoleteContextsTests
{
    [Fact]
    public void The_mark_follows_validator_calls_through_cycles_to_the_methods_that_reach_them()
    {
        // Order -> Line -> Order (a cycle); Line is obsolete. Note calls nothing and stays clean.
        var model = Contract(
            new[]
            {
                Method("PlaceAsync", ReturnKind.Task, parameters: new[] { new ParameterModel("order", Packable("global::Tests.Order"), Calls("__Validate_Order")) }),
                Method("ListAsync", ReturnKind.Task, parameters: new[] { new ParameterModel("orders", Packable("global::Tests.Order[]"), Elements(Calls("__Validate_Order"))) }),
                Method("NoteAsync", ReturnKind.Task, parameters: new[] { new ParameterModel("note", Packable("global::Tests.Note"), Calls("__Validate_Note")) }),
                Method("PingAsync", ReturnKind.Task),
            }) with
        {
            TypeValidators = new EquatableArray<TypeValidatorModel>(new[]
            {
                Validator("__Validate_Order", isObsolete: false, Calls("__Validate_Line")),
                Validator("__Validate_Line", isObsolete: true, Calls("__Validate_Order")),
                Validator("__Validate_Note", isObsolete: false),
            }),
        };

        var result = ObsoleteContexts.Propagate(model);

        Assert.Equal(new[] { "__Validate_Order", "__Validate_Line" }, result.TypeValidators.Where(t => t.IsObsolete).Select(t => t.MethodName));
        Assert.Equal(new[] { "PlaceAsync", "ListAsync" }, result.Methods.Where(m => m.IsObsolete).Select(m => m.Name));
    }

    [Fact]
    public void A_model_without_obsolete_types_is_returned_as_it_is()
    {
        var model = Contract(new[] { Method("PlaceAsync", ReturnKind.Task, parameters: new[] { new ParameterModel("order", Packable("global::Tests.Order"), Calls("__Validate_Order")) }) }) with
        {
            TypeValidators = new EquatableArray<TypeValidatorModel>(new[] { Validator("__Validate_Order", isObsolete: false) }),
        };

        Assert.Same(model, ObsoleteContexts.Propagate(model));
    }

    private static CheckModel Calls(string validator)
        => new("global::Tests.Packable", CheckShape.Packable, EquatableArray<RuleModel>.Empty, null, null, validator);

    private static CheckModel Elements(CheckModel element)
        => new("global::Tests.Packable[]", CheckShape.Array, EquatableArray<RuleModel>.Empty, element, null, null);

    private static TypeValidatorModel Validator(string name, bool isObsolete, params CheckModel[] memberChecks)
        => new("global::Tests." + name.Replace("__Validate_", "", System.StringComparison.Ordinal), name,
            new EquatableArray<MemberCheckModel>(memberChecks.Select((c, i) => new MemberCheckModel("Member" + i, c))), isObsolete);
}

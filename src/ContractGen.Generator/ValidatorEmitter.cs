using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ContractGen.CodeAnalysis;

namespace ContractGen.Generator;

/// <summary>
/// Emits <c>{Name}Validator</c>: plain C# checks of every constraint on a contract's arguments, run by the dispatcher
/// after decoding and before the implementation. No reflection; a failure throws
/// <c>ArgumentValidationException</c> with the path of the value (e.g. <c>order.Items[3].Sku</c>), the rule and the limit.
/// </summary>
internal static class ValidatorEmitter
{
    private const string Failure = "global::ContractGen.ArgumentValidationException";
    private const string Checks = "global::ContractGen.Validation.Checks";

    public static string ClassName(ContractModel model) => model.BaseName + "Validator";

    /// <summary>Whether the dispatcher must call a validator for <paramref name="method"/>.</summary>
    public static bool HasChecks(MethodModel method) => method.Parameters.Any(p => p.Check is not null);

    public static bool HasValidator(ContractModel model) => model.Methods.Any(HasChecks);

    public static void Emit(SourceWriter w, ContractModel model, string generatedCodeAttribute)
    {
        var patterns = CollectPatterns(model);
        w.Line($"/// <summary>The argument checks of <see cref=\"{model.InterfaceType}\"/>, run by the dispatcher before the implementation.</summary>");
        w.Line(generatedCodeAttribute);
        if (model.IsObsolete)
        {
            w.Line(ContractEmitter.ObsoleteAttribute);
        }

        w.Open($"{model.Accessibility} static partial class {ClassName(model)}");
        for (var i = 0; i < patterns.Count; i++)
        {
            w.Line($"private static readonly global::System.Text.RegularExpressions.Regex __pattern{i.ToString(CultureInfo.InvariantCulture)} = {Checks}.CreatePattern({CSharp.Literal(patterns[i])});");
        }

        var first = patterns.Count == 0;
        foreach (var method in model.Methods.Where(HasChecks))
        {
            if (!first)
            {
                w.Line();
            }

            first = false;
            var checkedParameters = method.Parameters.Where(p => p.Check is not null).ToList();
            w.Line($"/// <summary>Checks the arguments of <c>{CSharp.XmlEscape(method.Signature)}</c>.</summary>");
            if (method.IsObsolete)
            {
                w.Line(ContractEmitter.ObsoleteAttribute);
            }

            w.Open($"internal static void {CSharp.Identifier(method.MemberName)}({string.Join(", ", checkedParameters.Select(p => $"{p.Type.TypeName} {CSharp.Identifier(p.Name)}"))})");
            foreach (var parameter in checkedParameters)
            {
                EmitCheck(w, parameter.Check!, CSharp.Identifier(parameter.Name), parameter.Name, 0, patterns);
            }

            w.Close();
        }

        foreach (var type in model.TypeValidators)
        {
            w.Line();
            if (type.IsObsolete)
            {
                w.Line(ContractEmitter.ObsoleteAttribute);
            }

            w.Open($"private static void {type.MethodName}({type.TypeName} __value)");
            if (type.IsUnion)
            {
                EmitUnionDispatch(w, type);
            }

            foreach (var member in type.Members)
            {
                EmitCheck(w, member.Check, "__value." + CSharp.Identifier(member.Name), member.Name, 0, patterns);
            }

            w.Close();
        }

        w.Close();
    }

    // switch (__value) { case Circle __case: try { validate } catch { add "(as Circle)" } break; ... default: throw }
    private static void EmitUnionDispatch(SourceWriter w, TypeValidatorModel union)
    {
        w.Line("// MemoryPack decodes only the listed cases; anything else is refused rather than passed on unchecked.");
        w.Open("switch (__value)");
        foreach (var unionCase in union.Cases)
        {
            if (unionCase.Validator is not { } validator)
            {
                w.Label($"case {unionCase.TypeName}:");
                w.Line("break;");
                w.EndLabel();
                continue;
            }

            w.Label($"case {unionCase.TypeName} __case:");
            w.Open("try");
            w.Line($"{validator}(__case);");
            w.Close();
            w.Open($"catch ({Failure} __failure)");
            w.Line($"throw __failure.WithParent({Text(unionCase.PathSegment)});");
            w.Close();
            w.Line();
            w.Line("break;");
            w.EndLabel();
        }

        w.Label("default:");
        w.Line(Throw("", "[MemoryPackUnion]", "", "is a {__value.GetType()}, not one of the union's cases"));
        w.EndLabel();
        w.Close();
    }

    // if (value is null) { throw ... }            ← only when the value must not be null
    // else { rules on value; checks of elements }
    private static void EmitCheck(SourceWriter w, CheckModel check, string value, string path, int depth, List<string> patterns)
    {
        var rules = check.Rules;
        var nullGuard = rules.FirstOrDefault(r => r.Kind is RuleKind.NotNull or RuleKind.Required);
        switch (check.Shape)
        {
            case CheckShape.ByteMemory:
            case CheckShape.Scalar:
                EmitRules(w, check, value, path, patterns);
                return;

            case CheckShape.NullableValue:
                if (rules.Any(r => r.Kind == RuleKind.Required))
                {
                    w.Line($"if (!{value}.HasValue) {Throw(path, "[Required]", "", "is missing")}");
                }

                if (check.Element is { } inner)
                {
                    w.Open($"if ({value}.HasValue)");
                    EmitCheck(w, inner, value + ".Value", path, depth, patterns);
                    w.Close();
                }

                return;
        }

        if (check.IsValueType)
        {
            // A [MemoryPackable] struct is never null ('is null' would not compile): a bare block instead of a guard.
            w.Open("// A [MemoryPackable] struct: never null.");
        }
        else if (nullGuard is not null)
        {
            w.Line($"if ({value} is null) {Throw(path, nullGuard.Name, "", "is null")}");
            w.Open("else");
        }
        else
        {
            w.Open($"if ({value} is not null)");
        }

        EmitRules(w, check, value, path, patterns);
        var index = "__i" + depth.ToString(CultureInfo.InvariantCulture);
        var element = "__e" + depth.ToString(CultureInfo.InvariantCulture);
        switch (check.Shape)
        {
            case CheckShape.Array or CheckShape.List when check.Element is { } elementCheck:
                w.Open($"for (var {index} = 0; {index} < {value}.{(check.Shape == CheckShape.Array ? "Length" : "Count")}; {index}++)");
                w.Line($"var {element} = {value}[{index}];");
                EmitCheck(w, elementCheck, element, $"{path}[{{{index}}}]", depth + 1, patterns);
                w.Close();
                break;

            case CheckShape.Dictionary when check.Element is not null || check.Key is not null:
                w.Open($"foreach (var {element} in {value})");
                if (check.Key is { } keyCheck)
                {
                    EmitCheck(w, keyCheck, element + ".Key", $"{path}.Keys", depth + 1, patterns);
                }

                if (check.Element is { } valueCheck)
                {
                    EmitCheck(w, valueCheck, element + ".Value", $"{path}[{{{element}.Key}}]", depth + 1, patterns);
                }

                w.Close();
                break;

            case CheckShape.Packable when check.Validator is { } validator:
                w.Open("try");
                w.Line($"{validator}({value});");
                w.Close();
                w.Open($"catch ({Failure} __failure)");
                w.Line($"throw __failure.WithParent({Text(path)});");
                w.Close();
                break;
        }

        w.Close();
    }

    private static void EmitRules(SourceWriter w, CheckModel check, string value, string path, List<string> patterns)
    {
        var (measure, unit) = check.Shape switch
        {
            CheckShape.String => ("Length", "characters"),
            CheckShape.ByteArray or CheckShape.ByteMemory => ("Length", "bytes"),
            CheckShape.Array => ("Length", "elements"),
            _ => ("Count", "elements"),
        };
        foreach (var rule in check.Rules)
        {
            switch (rule.Kind)
            {
                case RuleKind.Required when check.Shape == CheckShape.String && !rule.Flags.Contains("empty-ok"):
                    w.Line($"if (string.IsNullOrWhiteSpace({value})) {Throw(path, rule.Name, "", "is empty")}");
                    break;
                case RuleKind.MinLength:
                    w.Line($"if ({value}.{measure} < {rule.Argument}) {Throw(path, rule.Name, $"at least {rule.Argument} {unit}", $"has {{{value}.{measure}}} {unit}")}");
                    break;
                case RuleKind.MaxLength:
                    w.Line($"if ({value}.{measure} > {rule.Argument}) {Throw(path, rule.Name, $"at most {rule.Argument} {unit}", $"has {{{value}.{measure}}} {unit}")}");
                    break;
                case RuleKind.Range:
                    var operand = rule.Flags.Contains("double") ? $"(double){value}" : value;
                    var below = rule.Flags.Contains("min-exclusive") ? "<=" : "<";
                    var above = rule.Flags.Contains("max-exclusive") ? ">=" : ">";
                    w.Line($"if ({operand} {below} {rule.Argument} || {operand} {above} {rule.Argument2}) {Throw(path, rule.Name, $"{Display(rule.Argument)} to {Display(rule.Argument2)}", $"is {{({Checks}.Format({value}))}}")}");
                    break;
                case RuleKind.Pattern:
                    w.Line($"if (!{Checks}.Matches(__pattern{patterns.IndexOf(rule.Argument).ToString(CultureInfo.InvariantCulture)}, {value})) {Throw(path, rule.Name, rule.Argument, "does not match the pattern")}");
                    break;
                case RuleKind.AllowedValues:
                    w.Line($"if (!({string.Join(" || ", rule.Values.Select(v => $"{value} == {v}"))})) {Throw(path, rule.Name, "", "is not one of the allowed values")}");
                    break;
                case RuleKind.DeniedValues:
                    w.Line($"if ({string.Join(" || ", rule.Values.Select(v => $"{value} == {v}"))}) {Throw(path, rule.Name, "", "is a denied value")}");
                    break;
                case RuleKind.DefinedEnum when rule.Flags.Contains("flags"):
                    w.Line($"if ((unchecked((ulong){value}) & ~{rule.Argument}) != 0) {Throw(path, rule.Name, "", $"is {{({Checks}.Format({value}))}}, which sets undefined flags")}");
                    break;
                case RuleKind.DefinedEnum:
                    var defined = rule.Values.Count == 0 ? "false" : $"{value} is {string.Join(" or ", rule.Values)}";
                    w.Line($"if (!({defined})) {Throw(path, rule.Name, "", $"is {{({Checks}.Format({value}))}}, not a defined member")}");
                    break;
                case RuleKind.Base64:
                    w.Line($"if (!{Checks}.IsBase64({value})) {Throw(path, rule.Name, "", "is not valid Base64")}");
                    break;
                case RuleKind.SafePath:
                    var root = rule.Argument.Length == 0 ? "null" : CSharp.Literal(rule.Argument);
                    w.Line($"if (!{Checks}.IsSafePath({value}, {root})) {Throw(path, rule.Name, rule.Argument.Length == 0 ? "a relative path without '..'" : "inside " + rule.Argument, "is not a safe relative path")}");
                    break;
            }
        }
    }

    private static string Throw(string path, string rule, string limit, string problem)
        => $"throw new {Failure}({Text(path)}, {CSharp.Literal(rule)}, {CSharp.Literal(limit)}, {Text(problem)});";

    // An interpolated string only where the text has holes (an index, a length, a value).
    private static string Text(string content) => content.IndexOf('{') >= 0 ? "$\"" + content + "\"" : "\"" + content + "\"";

    // A C# numeric literal as people write numbers: 1.5d reads 1.5.
    private static string Display(string literal) => literal.TrimEnd('d', 'f', 'L', 'U', 'l', 'u', 'D', 'F');

    private static List<string> CollectPatterns(ContractModel model)
    {
        var patterns = new List<string>();
        void Visit(CheckModel? check)
        {
            if (check is null)
            {
                return;
            }

            foreach (var rule in check.Rules.Where(r => r.Kind == RuleKind.Pattern && !patterns.Contains(r.Argument)))
            {
                patterns.Add(rule.Argument);
            }

            Visit(check.Element);
            Visit(check.Key);
        }

        foreach (var parameter in model.Methods.SelectMany(m => m.Parameters))
        {
            Visit(parameter.Check);
        }

        foreach (var member in model.TypeValidators.SelectMany(t => t.Members))
        {
            Visit(member.Check);
        }

        return patterns;
    }



}

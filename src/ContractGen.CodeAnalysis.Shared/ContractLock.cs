using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ContractGen.CodeAnalysis;

/// <summary>
/// The contract lock file (<c>ContractGen.lock.txt</c>): for every contract, each method's wire signature, who may call
/// it and what is checked before it runs. Checked into the user's project, it makes a removed or changed method a
/// build error and turns a loosened rule into a diff in one reviewed file. The analyzer compares against it; the code
/// fix rewrites it from the same rendering, so the two never disagree.
/// </summary>
internal static class ContractLock
{
    public const string FileName = "ContractGen.lock.txt";

    private const string Header =
        "# ContractGen contract lock: the wire shape and attack surface of each contract in this project.\n" +
        "# Review changes to this file like code. After an intended change, rewrite it with the code fix offered\n" +
        "# on CGEN1011/CGEN1012 (\"Update ContractGen.lock.txt\") or with: dotnet build -p:ContractGenUpdateLock=true\n";

    /// <summary>The whole file for <paramref name="contracts"/>, in a stable order.</summary>
    public static string Render(IEnumerable<ContractModel> contracts)
    {
        var text = new StringBuilder(Header);
        foreach (var contract in contracts.OrderBy(c => c.WireName, StringComparer.Ordinal))
        {
            text.Append('\n').Append("contract ").Append(contract.WireName).Append('\n');
            text.Append("  context ").Append(ContextName(contract.Context)).Append('\n');
            foreach (var method in contract.Methods.OrderBy(m => m.Signature, StringComparer.Ordinal))
            {
                text.Append(RenderMethod(contract, method));
            }
        }

        return text.ToString();
    }

    /// <summary>The block of one method: its signature line and the lines that describe its attack surface.</summary>
    public static string RenderMethod(ContractModel contract, MethodModel method)
    {
        var text = new StringBuilder();
        text.Append("  method ").Append(method.Signature).Append('\n');
        if (method.IsOneWay)
        {
            text.Append("    one-way\n");
        }

        text.Append("    callers ").Append(DescribePolicy(method.Policy)).Append('\n');
        var checks = method.Parameters.Where(p => p.Check is not null)
            .SelectMany(p => DescribeCheck(p.Check!, p.Name, contract, new HashSet<string>()))
            .ToList();
        if (checks.Count == 0)
        {
            text.Append("    checks none\n");
        }

        foreach (var check in checks)
        {
            text.Append("    check ").Append(check).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Reads a lock file: contract name → (its context line, method signature → method block).</summary>
    public static Dictionary<string, LockedContract> Parse(string text)
    {
        var contracts = new Dictionary<string, LockedContract>(StringComparer.Ordinal);
        LockedContract? current = null;
        string? signature = null;
        StringBuilder? block = null;

        void EndMethod()
        {
            if (current is not null && signature is not null && block is not null)
            {
                current.Methods[signature] = block.ToString();
            }

            signature = null;
            block = null;
        }

        foreach (var raw in text.Replace("\r\n", "\n").Split('\n'))
        {
            if (raw.Length == 0 || raw.StartsWith("#", StringComparison.Ordinal))
            {
                continue;
            }

            if (raw.StartsWith("contract ", StringComparison.Ordinal))
            {
                EndMethod();
                current = new LockedContract(raw.Substring("contract ".Length).Trim());
                contracts[current.Name] = current;
            }
            else if (raw.StartsWith("  context ", StringComparison.Ordinal) && current is not null)
            {
                current.Context = raw.Substring("  context ".Length).Trim();
            }
            else if (raw.StartsWith("  method ", StringComparison.Ordinal) && current is not null)
            {
                EndMethod();
                signature = raw.Substring("  method ".Length).Trim();
                block = new StringBuilder(raw.TrimEnd()).Append('\n');
            }
            else if (block is not null)
            {
                block.Append(raw.TrimEnd()).Append('\n');
            }
        }

        EndMethod();
        return contracts;
    }

    /// <summary>The method name of a recorded signature: <c>AddAsync</c> for <c>AddAsync(long,long):long</c>.</summary>
    public static string MethodName(string signature)
    {
        var open = signature.IndexOf('(');
        return open < 0 ? signature : signature.Substring(0, open);
    }

    /// <summary>
    /// How the current block of a method differs from its recorded block, one phrase per difference, in the words a
    /// security reviewer needs ("authorization loosened from 'root' to 'any local user'"). Empty when they are equal.
    /// </summary>
    public static List<string> Compare(string recordedBlock, string currentBlock)
    {
        var changes = new List<string>();
        var recorded = ReadBlock(recordedBlock);
        var current = ReadBlock(currentBlock);
        if (recorded.OneWay != current.OneWay)
        {
            changes.Add(current.OneWay ? "now one-way (callers no longer get a reply or an error)" : "no longer one-way");
        }

        if (recorded.Callers != current.Callers)
        {
            var how = current.Callers == AnyLocalUser ? "loosened" : recorded.Callers == AnyLocalUser ? "tightened" : "changed";
            changes.Add($"authorization {how} from '{recorded.Callers}' to '{current.Callers}'");
        }

        foreach (var path in recorded.Checks.Keys.Union(current.Checks.Keys).OrderBy(p => p, StringComparer.Ordinal))
        {
            var before = recorded.Checks.TryGetValue(path, out var b) ? b : null;
            var after = current.Checks.TryGetValue(path, out var a) ? a : null;
            if (before == after)
            {
                continue;
            }

            changes.Add(before is null ? $"validation of '{path}' added ('{after}')"
                : after is null ? $"validation of '{path}' removed (was '{before}')"
                : $"validation of '{path}' changed from '{before}' to '{after}'");
        }

        // Anything else in the block (a line this version does not know): say so rather than stay silent.
        if (changes.Count == 0 && !string.Equals(recordedBlock.Trim(), currentBlock.Trim(), StringComparison.Ordinal))
        {
            changes.Add("its recorded entry differs");
        }

        return changes;
    }

    private const string AnyLocalUser = "any local user";

    private static (bool OneWay, string Callers, Dictionary<string, string> Checks) ReadBlock(string block)
    {
        var oneWay = false;
        var callers = AnyLocalUser;
        var checks = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in block.Replace("\r\n", "\n").Split('\n'))
        {
            var line = raw.Trim();
            if (line == "one-way")
            {
                oneWay = true;
            }
            else if (line.StartsWith("callers ", StringComparison.Ordinal))
            {
                callers = line.Substring("callers ".Length);
            }
            else if (line.StartsWith("check ", StringComparison.Ordinal))
            {
                // "check order.Lines[].Sku: required, max length 16": the path never contains ": ".
                var text = line.Substring("check ".Length);
                var colon = text.IndexOf(": ", StringComparison.Ordinal);
                var path = colon < 0 ? text : text.Substring(0, colon);
                var rules = colon < 0 ? string.Empty : text.Substring(colon + 2);
                checks[path] = checks.TryGetValue(path, out var earlier) ? earlier + ", " + rules : rules;
            }
        }

        return (oneWay, callers, checks);
    }

    /// <summary>Who may call, in words: every rule must pass; empty means any local user.</summary>
    public static string DescribePolicy(EquatableArray<CallerRuleModel> policy)
        => policy.Count == 0
            ? AnyLocalUser
            : string.Join(", and ", policy.Select(r =>
                string.Join(" or ", new[] { r.Root ? "root" : null, r.SameUser ? "the service's own user" : null }
                    .Concat(r.Users.Select(u => $"user '{u}'"))
                    .Concat(r.UserIds.Select(u => "uid " + u.ToString(CultureInfo.InvariantCulture)))
                    .Concat(r.Groups.Select(g => $"group '{g}'"))
                    .Where(p => p is not null))));

    public static string ContextName(int context) => context switch
    {
        1 => "User",
        2 => "Application",
        _ => "System",
    };

    private static IEnumerable<string> DescribeCheck(CheckModel check, string path, ContractModel contract, HashSet<string> visited)
    {
        var rules = check.Rules.Select(DescribeRule).ToList();
        if (rules.Count > 0)
        {
            yield return $"{path}: {string.Join(", ", rules)}";
        }

        if (check.Key is { } key)
        {
            foreach (var line in DescribeCheck(key, path + ".Keys", contract, visited))
            {
                yield return line;
            }
        }

        if (check.Element is { } element)
        {
            var elementPath = check.Shape switch
            {
                CheckShape.NullableValue => path,
                CheckShape.Dictionary => path + "[key]",
                _ => path + "[]",
            };
            foreach (var line in DescribeCheck(element, elementPath, contract, visited))
            {
                yield return line;
            }
        }

        if (check.Validator is { } validator && visited.Add(validator)
            && contract.TypeValidators.FirstOrDefault(t => t.MethodName == validator) is { } type)
        {
            foreach (var member in type.Members)
            {
                foreach (var line in DescribeCheck(member.Check, path + "." + member.Name, contract, visited))
                {
                    yield return line;
                }
            }

            foreach (var unionCase in type.Cases)
            {
                var caseCheck = new CheckModel(unionCase.TypeName, CheckShape.Packable, default, null, null, unionCase.Validator);
                foreach (var line in DescribeCheck(caseCheck, path + unionCase.PathSegment, contract, visited))
                {
                    yield return line;
                }
            }

            visited.Remove(validator);
        }
    }

    private static string DescribeRule(RuleModel rule) => rule.Kind switch
    {
        RuleKind.NotNull => "not null",
        RuleKind.Required => "required",
        RuleKind.MinLength => "min length " + rule.Argument,
        RuleKind.MaxLength => "max length " + rule.Argument,
        RuleKind.Range => $"range {rule.Argument}..{rule.Argument2}",
        RuleKind.Pattern => "pattern " + rule.Argument,
        RuleKind.AllowedValues => "allowed " + string.Join("|", rule.Values),
        RuleKind.DeniedValues => "denied " + string.Join("|", rule.Values),
        RuleKind.DefinedEnum => "defined enum member",
        RuleKind.Base64 => "base64",
        RuleKind.SafePath => rule.Argument.Length == 0 ? "safe path" : "safe path in " + rule.Argument,
        _ => rule.Kind.ToString(),
    };
}

/// <summary>One contract as recorded in the lock file.</summary>
internal sealed class LockedContract
{
    public LockedContract(string name)
    {
        Name = name;
    }

    public string Name { get; }

    public string Context { get; set; } = string.Empty;

    /// <summary>Signature → the method's block as rendered by <see cref="ContractLock.RenderMethod"/>.</summary>
    public Dictionary<string, string> Methods { get; } = new(StringComparer.Ordinal);
}

using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace ContractGen.Generator.Tests.Infrastructure;

/// <summary>
/// Checks that ContractGen's pipeline caches: its tracked steps hold only value-equatable data, and running again on
/// a compilation that did not change a contract does no work.
/// </summary>
internal static class Incrementality
{
    /// <summary>Every tracking name in <see cref="ContractGeneratorSteps"/>, found by reflection so a new step is checked too.</summary>
    public static IReadOnlyList<string> StepNames { get; } = typeof(ContractGeneratorSteps)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToList();

    /// <summary>
    /// Runs <paramref name="previous"/>'s driver again on <paramref name="compilation"/> and asserts that every tracked
    /// step and every source output was Cached or Unchanged, and that the generated files are the same.
    /// </summary>
    public static GenerationResult AssertRerunIsCached(GenerationResult previous, CSharpCompilation compilation, string what)
    {
        var rerun = GeneratorHarness.Rerun(previous, compilation);
        var reasons = GetReasons(rerun.ContractGen);
        var expectSteps = previous.Files.Count > 0;
        foreach (var name in StepNames)
        {
            // A step that never ran would make the assertions below pass without checking anything.
            if (expectSteps)
            {
                Assert.True(reasons.ContainsKey(name), $"Step '{name}' was not tracked after re-running on {what}; is WithTrackingName missing?");
            }
        }

        foreach (var (step, stepReasons) in reasons)
        {
            var bad = stepReasons.Where(r => r is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged)).ToList();
            Assert.True(bad.Count == 0, $"After re-running on {what}, step '{step}' reported {string.Join(", ", bad)}; expected only Cached or Unchanged.");
        }

        AssertSameFiles(previous, rerun);
        return rerun;
    }

    /// <summary>The run reasons of every ContractGen step that has a tracking name, plus its source outputs (keyed by the output kind).</summary>
    public static Dictionary<string, IReadOnlyList<IncrementalStepRunReason>> GetReasons(GeneratorRunResult run)
    {
        var reasons = new Dictionary<string, IReadOnlyList<IncrementalStepRunReason>>(StringComparer.Ordinal);
        foreach (var name in StepNames)
        {
            if (run.TrackedSteps.TryGetValue(name, out var steps))
            {
                reasons[name] = steps.SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
            }
        }

        foreach (var (name, steps) in run.TrackedOutputSteps)
        {
            reasons["output:" + name] = steps.SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        }

        return reasons;
    }

    /// <summary>The run reasons of one step (fails when the step did not run).</summary>
    public static IReadOnlyList<IncrementalStepRunReason> ReasonsOf(GenerationResult result, string step)
    {
        Assert.True(GetReasons(result.ContractGen).TryGetValue(step, out var reasons), $"Step '{step}' did not run.");
        Assert.NotEmpty(reasons!);
        return reasons!;
    }

    public static void AssertSameFiles(GenerationResult expected, GenerationResult actual)
    {
        Assert.Equal(expected.Files.Select(f => f.HintName), actual.Files.Select(f => f.HintName));
        foreach (var (before, after) in expected.Files.Zip(actual.Files))
        {
            Assert.True(before.Text == after.Text, $"'{after.HintName}' changed although its contract did not.");
        }
    }

    /// <summary>
    /// Walks every output of every tracked step, recursively, and fails on a Roslyn object that would keep a whole
    /// compilation alive and defeat caching (symbols, syntax, semantic models, locations).
    /// </summary>
    public static void AssertNoForbiddenTypesInSteps(GeneratorRunResult run)
    {
        var walked = 0;
        foreach (var name in StepNames)
        {
            if (!run.TrackedSteps.TryGetValue(name, out var steps))
            {
                continue;
            }

            foreach (var step in steps)
            {
                foreach (var (value, _) in step.Outputs)
                {
                    Walk(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance));
                    walked++;
                }
            }
        }

        if (run.GeneratedSources.Length > 0)
        {
            Assert.True(walked > 0, "Sources were generated but no tracked step output was walked.");
        }
    }

    public static void Walk(object? value, string path, HashSet<object> visited)
    {
        switch (value)
        {
            case null:
                return;
            case Compilation or ISymbol or SemanticModel or SyntaxNode or SyntaxTree or Location:
                Assert.Fail($"Pipeline step output '{path}' holds a {value.GetType().Name}; models must hold only equatable values.");
                return;
            case string or Enum or decimal:
                return;
        }

        var type = value.GetType();
        if (type.IsPrimitive || type.IsPointer || (!type.IsValueType && !visited.Add(value)))
        {
            return;
        }

        if (value is IEnumerable items)
        {
            var index = 0;
            foreach (var item in items)
            {
                Walk(item, $"{path}[{index++}]", visited);
            }

            return;
        }

        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            Walk(field.GetValue(value), $"{path}.{field.Name}", visited);
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            Walk(property.GetValue(value), $"{path}.{property.Name}", visited);
        }
    }
}

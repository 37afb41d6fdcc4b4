using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ContractGen.CodeFixes;

/// <summary>
/// Fixes CGEN1013: <em>Make 'Order' [MemoryPackable] partial</em> adds <c>[MemoryPackable]</c> when the type lacks it, and
/// <see langword="partial"/> on the type and every type containing it that lacks it. The diagnostic sits where the type is used (a parameter, a result, a member path) and names the type in its properties;
/// the type's declaration may be in another document. Fix All applies it to every occurrence at once.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeMemoryPackablePartialCodeFix)), Shared]
public sealed class MakeMemoryPackablePartialCodeFix : CodeFixProvider
{
    /// <summary>The equivalence key, stable across versions so that Fix All groups every occurrence.</summary>
    public const string EquivalenceKey = "ContractGen.MakeMemoryPackablePartial";

    private const string AttributeName = "MemoryPackable";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.NotMemoryPackable);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (await FindTargetAsync(context.Document, diagnostic, context.CancellationToken).ConfigureAwait(false) is not { } target)
            {
                continue;
            }

            var (document, declaration) = target;
            var needsAttribute = !await HasMemoryPackableAsync(document, declaration, context.CancellationToken).ConfigureAwait(false);
            var name = declaration.Identifier.ValueText;
            context.RegisterCodeFix(
                CodeAction.Create(
                    needsAttribute ? $"Make '{name}' [MemoryPackable] partial" : $"Make '{name}' partial",
                    cancellationToken => FixAsync(document, declaration, needsAttribute, cancellationToken),
                    EquivalenceKey),
                diagnostic);
        }
    }

    /// <summary>The declaration of the type to change, named by the diagnostic's <see cref="DiagnosticProperties.TypeToFix"/>.</summary>
    private static async Task<(Document Document, TypeDeclarationSyntax Declaration)?> FindTargetAsync(Document diagnosticDocument, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.TypeToFix, out var typeId) || typeId is null
            || await diagnosticDocument.Project.GetCompilationAsync(cancellationToken).ConfigureAwait(false) is not { } compilation
            || DocumentationCommentId.GetFirstSymbolForDeclarationId(typeId, compilation) is not INamedTypeSymbol type)
        {
            return null;
        }

        // A type that is not partial has one declaration; a partial one without the attribute gets it on its first.
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (diagnosticDocument.Project.Solution.GetDocument(reference.SyntaxTree) is { } document
                && await reference.GetSyntaxAsync(cancellationToken).ConfigureAwait(false) is TypeDeclarationSyntax declaration)
            {
                return (document, declaration);
            }
        }

        return null;
    }

    private static async Task<bool> HasMemoryPackableAsync(Document document, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        return model?.GetDeclaredSymbol(declaration, cancellationToken) is { } type
               && type.GetAttributes().Any(a => a.AttributeClass is { Name: AttributeName + "Attribute", ContainingNamespace.Name: "MemoryPack" });
    }

    /// <summary>
    /// Inserts <c>partial </c> right before the keyword of the declaration and of each containing declaration without it,
    /// and, when asked, <c>[MemoryPackable]</c> on a line of its own above the declaration, at its indentation. Editing the
    /// text leaves comments, attributes and layout exactly where they were.
    /// </summary>
    /// <remarks>
    /// The attribute is written as <c>MemoryPackable</c> where <c>MemoryPack</c> is imported, and qualified otherwise, rather
    /// than adding a <c>using</c>: Fix All merges the text edits of every occurrence, and an edit that many occurrences
    /// share (one <c>using</c> line for several types) is dropped after the second copy, which would leave types for a
    /// second pass. The IDE's own "simplify name" offers the <c>using</c> afterwards.
    /// </remarks>
    private static async Task<Document> FixAsync(Document document, TypeDeclarationSyntax declaration, bool addAttribute, CancellationToken cancellationToken)
    {
        var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        var changes = declaration.AncestorsAndSelf().OfType<TypeDeclarationSyntax>()
            .Where(d => !d.Modifiers.Any(SyntaxKind.PartialKeyword))
            .Select(d => new TextChange(new TextSpan(d.Keyword.SpanStart, 0), "partial "))
            .ToList();

        if (addAttribute)
        {
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            var name = ShortestAttributeName(model, declaration.SpanStart);
            changes.Add(new TextChange(new TextSpan(declaration.SpanStart, 0), $"[{name}]" + Separator(text, declaration.SpanStart)));
        }

        return document.WithText(text.WithChanges(changes.OrderBy(c => c.Span.Start)));
    }

    /// <summary>The shortest spelling of the attribute that binds to MemoryPack's at <paramref name="position"/>.</summary>
    private static string ShortestAttributeName(SemanticModel? model, int position)
    {
        foreach (var candidate in new[] { AttributeName, "MemoryPack." + AttributeName })
        {
            var attribute = SyntaxFactory.Attribute(SyntaxFactory.ParseName(candidate));
            if (model?.GetSpeculativeSymbolInfo(position, attribute).Symbol is IMethodSymbol { ContainingType: { Name: AttributeName + "Attribute", ContainingNamespace.Name: "MemoryPack" } })
            {
                return candidate;
            }
        }

        return "global::MemoryPack." + AttributeName;
    }

    /// <summary>What goes between the new attribute and the declaration: a line break and its indentation, or a space when other code precedes it on its line.</summary>
    private static string Separator(SourceText text, int position)
    {
        var line = text.Lines.GetLineFromPosition(position);
        var indentation = text.ToString(TextSpan.FromBounds(line.Start, position));
        if (indentation.Any(c => !char.IsWhiteSpace(c)))
        {
            return " ";
        }

        var lineBreak = text.ToString(TextSpan.FromBounds(line.End, line.EndIncludingLineBreak));
        return (lineBreak.Length > 0 ? lineBreak : "\n") + indentation;
    }
}

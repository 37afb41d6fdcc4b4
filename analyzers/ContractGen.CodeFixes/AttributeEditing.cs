using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace ContractGen.CodeFixes;

/// <summary>
/// Adds an attribute to a declaration the way a person would write it, for the fixes of CGEN1014, CGEN3003, CGEN3006 and
/// CGEN3007: inline before a parameter (<c>[SafePath] string path</c>, or into its existing list:
/// <c>[Required, StringLength(1024)] string name</c>), on a line of its own above a member, below its doc comment and at its
/// indentation. The type name is written fully qualified and simplified afterwards, adding the <c>using</c> it needs.
/// </summary>
internal static class AttributeEditing
{
    /// <summary>The parameter, property, field or method declared at <paramref name="location"/>'s identifier, if any.</summary>
    public static SyntaxNode? FindDeclaration(SyntaxNode root, Location location)
    {
        var token = root.FindToken(location.SourceSpan.Start);
        if (token.Span != location.SourceSpan)
        {
            return null;
        }

        return token.Parent switch
        {
            ParameterSyntax parameter => parameter,
            PropertyDeclarationSyntax property => property,
            MethodDeclarationSyntax method => method,
            // A field declaration with one variable: [StringLength] on it applies to that variable only.
            VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: FieldDeclarationSyntax field } } => field,
            _ => null,
        };
    }

    /// <summary>
    /// Adds an attribute to each declaration (<c>[QualifiedName(Arguments)]</c>), then the <c>using</c> directives they need,
    /// once: Fix All calls this with every diagnostic of a document, so that the fixes do not each add the same directive.
    /// </summary>
    public static async Task<Document> AddAttributesAsync(Document document, List<AttributeEdit> edits, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || edits.Count == 0)
        {
            return document;
        }

        var endOfLine = EndOfLine(root);
        // One declaration may get several attributes at once ([MaxLength] and [ElementMaxLength] on one list); each once.
        var byDeclaration = edits.GroupBy(e => e.Declaration).ToDictionary(g => g.Key, g => g.Distinct().ToList());
        var updated = root.ReplaceNodes(byDeclaration.Keys, (original, rewritten) =>
        {
            foreach (var edit in byDeclaration[original])
            {
                var attribute = SyntaxFactory.Attribute(
                    QualifiedName(edit.QualifiedName),
                    edit.Arguments is null ? null : SyntaxFactory.ParseAttributeArgumentList("(" + edit.Arguments + ")"));
                rewritten = rewritten switch
                {
                    ParameterSyntax parameter => AddToParameter(parameter, attribute),
                    MemberDeclarationSyntax member => AddToMember(member, attribute, endOfLine),
                    _ => rewritten,
                };
            }

            return rewritten;
        });
        return await SimplifyAsync(document.WithSyntaxRoot(updated), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A <c>global::</c>-qualified type name marked for simplification and for adding its <c>using</c>.</summary>
    public static NameSyntax QualifiedName(string qualifiedName)
        => SyntaxFactory.ParseName("global::" + qualifiedName).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);

    /// <summary>Adds the <c>using</c> directives the annotated names need, then shortens those names.</summary>
    public static async Task<Document> SimplifyAsync(Document document, CancellationToken cancellationToken)
    {
        document = await ImportAdder.AddImportsAsync(document, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        document = await Simplifier.ReduceAsync(document, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await Formatter.FormatAsync(document, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The line break the document already uses.</summary>
    public static SyntaxTrivia EndOfLine(SyntaxNode root)
        => root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { RawKind: not 0 } existing
            ? existing
            : SyntaxFactory.EndOfLine("\n");

    private static ParameterSyntax AddToParameter(ParameterSyntax parameter, AttributeSyntax attribute)
    {
        if (parameter.AttributeLists.Count > 0)
        {
            var last = parameter.AttributeLists.Last();
            return parameter.ReplaceNode(last, last.AddAttributes(attribute));
        }

        var leading = parameter.GetLeadingTrivia();
        var list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(attribute)).WithTrailingTrivia(SyntaxFactory.Space);
        return parameter.WithoutLeadingTrivia().WithAttributeLists(SyntaxFactory.SingletonList(list)).WithLeadingTrivia(leading);
    }

    private static MemberDeclarationSyntax AddToMember(MemberDeclarationSyntax member, AttributeSyntax attribute, SyntaxTrivia endOfLine)
    {
        // The whitespace that indents the declaration's first line: the new line gets the same.
        var leading = member.GetLeadingTrivia();
        var indentation = leading.Count > 0 && leading.Last().IsKind(SyntaxKind.WhitespaceTrivia) ? SyntaxFactory.TriviaList(leading.Last()) : SyntaxFactory.TriviaList();
        var list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(attribute)).WithTrailingTrivia(endOfLine);
        if (member.AttributeLists.Count > 0)
        {
            var last = member.AttributeLists.Last();
            return last.GetTrailingTrivia().Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia))
                // Below the existing attributes, on a line of its own like them.
                ? member.AddAttributeLists(list.WithLeadingTrivia(indentation))
                // [OneWay] Task SendAsync(): into that list, on the same line.
                : member.ReplaceNode(last, last.AddAttributes(attribute));
        }

        // Doc comments and blank lines stay above the new attribute; the declaration keeps only its indentation.
        var withList = member.WithoutLeadingTrivia().WithAttributeLists(SyntaxFactory.SingletonList(list.WithLeadingTrivia(leading)));
        var firstAfter = withList.AttributeLists.Last().GetLastToken().GetNextToken();
        return withList.ReplaceToken(firstAfter, firstAfter.WithLeadingTrivia(indentation));
    }
}

/// <summary>One attribute to add: where, its namespace-qualified name without the <c>Attribute</c> suffix, and its arguments.</summary>
internal sealed record AttributeEdit(SyntaxNode Declaration, string QualifiedName, string? Arguments = null);

/**
 * What the console's pages show, as plain immutable records: the models of the jte templates
 * (src/main/jte) and the bodies of the JSON API. They are public only because jte compiles the
 * templates into another package; nothing outside the console module uses them. Every text in them
 * is plain text (a Subject, a transcript line): the templates escape it, never mark it as HTML.
 */
package dev.replyd.console.view;

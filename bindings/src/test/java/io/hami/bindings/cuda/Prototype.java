package io.hami.bindings.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * A recorded C prototype, {@code RET NAME(TYPE name, ...)}, split into parts. Parses our own records only
 * (the PROTOTYPE strings), never cuda.h itself.
 */
record Prototype(String returnType, String name, String parameterList, List<Param> params) {

    /** One parameter: base type without qualifiers, pointer depth, and its name. */
    record Param(String baseType, int pointerDepth, String name) {}

    static Prototype parse(String prototype) {
        int open = prototype.indexOf('(');
        int close = prototype.lastIndexOf(')');
        if (open < 0 || close != prototype.length() - 1) {
            throw new IllegalArgumentException("not a prototype: " + prototype);
        }
        List<String> head = tokens(prototype.substring(0, open));
        String name = head.removeLast();
        String ret = String.join(" ", head).replace(" *", "*");
        String list = prototype.substring(open + 1, close).trim();
        List<Param> params = new ArrayList<>();
        if (!list.equals("void")) {
            for (String p : list.split(",")) {
                params.add(param(p, prototype));
            }
        }
        return new Prototype(ret, name, list, List.copyOf(params));
    }

    private static Param param(String text, String prototype) {
        List<String> t = tokens(text);
        if (t.size() < 2 || !t.getLast().matches("[A-Za-z_]\\w*")) {
            throw new IllegalArgumentException("parameter without a name in " + prototype + ": " + text);
        }
        String name = t.removeLast();
        int depth = 0;
        List<String> base = new ArrayList<>();
        for (String tok : t) {
            switch (tok) {
                case "*" -> depth++;
                case "const", "volatile", "restrict" -> { }
                default -> base.add(tok);
            }
        }
        return new Param(String.join(" ", base), depth, name);
    }

    private static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        for (String tok : s.replace("*", " * ").trim().split("\\s+")) {
            if (!tok.isEmpty()) {
                out.add(tok);
            }
        }
        return out;
    }
}

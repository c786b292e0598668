package io.hami.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.hami.hooks.Downcalls;
import io.hami.hooks.HookEntries;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.ConvertInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every hook of the shared shape enters through {@link HookEntries} (docs/startup.md, step 11), and each entry hands
 * exactly its own arguments, in order, to exactly its hook: read from the entries' bytecode, since an entry cannot
 * run without a booted agent.
 */
class HookEntriesTest {
    private static Map<String, Agent.Hook> sharedHooks() {
        Map<String, Agent.Hook> hooks = new LinkedHashMap<>();
        Stream.of(Agent.MEMORY_HOOKS, Agent.PASS_THROUGH_HOOKS, Agent.LAUNCH_HOOKS).flatMap(List::stream)
                .filter(hook -> Downcalls.shared(hook.function().descriptor()))
                .forEach(hook -> hooks.put(hook.function().name(), hook));
        return hooks;
    }

    private static ClassModel entries() throws Exception {
        try (InputStream in = HookEntries.class.getResourceAsStream("HookEntries.class")) {
            return ClassFile.of().parse(in.readAllBytes());
        }
    }

    @Test
    void every_hook_of_the_shared_shape_has_an_entry_and_every_entry_a_hook() throws Exception {
        List<String> entries = new ArrayList<>();
        for (var method : HookEntries.class.getDeclaredMethods()) {
            assertThat(Modifier.isPublic(method.getModifiers()) && Modifier.isStatic(method.getModifiers()))
                    .as(method.getName()).isTrue();
            assertThat(java.lang.invoke.MethodType.methodType(method.getReturnType(), method.getParameterTypes()))
                    .as(method.getName()).isEqualTo(Downcalls.SHARED.toMethodType());
            entries.add(method.getName());
        }
        assertThat(entries).containsExactlyInAnyOrderElementsOf(sharedHooks().keySet());
        assertThat(sharedHooks()).hasSizeGreaterThan(30); // nearly every hook; launches and structs by value keep theirs
    }

    @Test
    void each_entry_passes_its_own_arguments_in_order_to_its_own_hook() throws Exception {
        Map<String, Agent.Hook> hooks = sharedHooks();
        for (MethodModel method : entries().methods()) {
            String name = method.methodName().stringValue();
            if (!hooks.containsKey(name)) {
                continue; // the constructor
            }
            Agent.Hook hook = hooks.get(name);
            FunctionDescriptor raw = Downcalls.raw(hook.function().descriptor());
            List<String> expected = new ArrayList<>();
            int slot = 0;
            for (MemoryLayout argument : raw.argumentLayouts()) {
                expected.add("lload " + slot);
                if (argument.equals(ValueLayout.JAVA_INT)) {
                    expected.add(Opcode.L2I.name());
                }
                slot += 2;
            }
            expected.add("invokestatic " + hook.owner().getName().replace('.', '/') + "." + name
                    + raw.toMethodType().descriptorString());
            expected.add(Opcode.IRETURN.name());
            List<String> actual = new ArrayList<>();
            for (CodeElement element : method.code().orElseThrow()) {
                switch (element) {
                    case LoadInstruction load -> actual.add("lload " + load.slot());
                    case ConvertInstruction convert -> actual.add(convert.opcode().name());
                    case InvokeInstruction invoke -> actual.add(invoke.opcode().name().toLowerCase() + " "
                            + invoke.owner().asInternalName() + "." + invoke.name().stringValue()
                            + invoke.type().stringValue());
                    case ReturnInstruction ret -> actual.add(ret.opcode().name());
                    default -> { } // labels, line numbers
                }
            }
            assertThat(actual).as(name).containsExactlyElementsOf(expected);
        }
    }
}

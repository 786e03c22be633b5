package io.driftless.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class HealBudgetTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void driftThatKeepsComingBackIsHealedLessAndLessOften() {
        HealBudget budget = new HealBudget();
        assertThat(budget.tryHeal("prod/prefect", T0)).isTrue();
        assertThat(budget.tryHeal("prod/prefect", T0.plusSeconds(1))).as("back within a minute: healed once more").isTrue();
        assertThat(budget.tryHeal("prod/prefect", T0.plusSeconds(2))).as("then it waits 5 s").isFalse();
        assertThat(budget.nextHeal("prod/prefect")).isEqualTo(T0.plusSeconds(6));
        assertThat(budget.tryHeal("prod/prefect", T0.plusSeconds(6))).isTrue();
        assertThat(budget.nextHeal("prod/prefect")).as("then 10 s").isEqualTo(T0.plusSeconds(16));
        Instant t = T0.plusSeconds(16);
        for (int i = 0; i < 10; i++) {
            assertThat(budget.tryHeal("prod/prefect", t)).isTrue();
            t = budget.nextHeal("prod/prefect");
        }
        assertThat(budget.tryHeal("prod/prefect", t.minusSeconds(1))).isFalse();
        assertThat(budget.tryHeal("prod/prefect", t)).isTrue();
        assertThat(budget.nextHeal("prod/prefect")).as("at most 5 minutes apart").isEqualTo(t.plusSeconds(300));
        assertThat(budget.tryHeal("dev/prefect", t)).as("targets have their own budgets").isTrue();
    }

    @Test
    void aQuietMinuteRestoresImmediateHealing() {
        HealBudget budget = new HealBudget();
        budget.tryHeal("prod/prefect", T0);
        budget.tryHeal("prod/prefect", T0.plusSeconds(1));
        assertThat(budget.tryHeal("prod/prefect", T0.plusSeconds(70))).as("5 s pause and a quiet minute").isTrue();
        assertThat(budget.nextHeal("prod/prefect")).isEqualTo(T0.plusSeconds(70));
    }
}

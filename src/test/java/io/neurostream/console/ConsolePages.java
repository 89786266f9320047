package io.neurostream.console;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * Page objects of the console, as a user sees it: what a test reads and clicks, by the ids and
 * data attributes the pages carry, so the tests read as user steps.
 */
final class ConsolePages {

  private ConsolePages() {}

  static final Duration WAIT = Duration.ofSeconds(60);

  /** The overview page. */
  record Overview(Browser browser, String base) {
    Overview open() {
      browser.driver().get(base);
      browser.await(WAIT, d -> d.findElement(By.id("live")).getText().equals("live"));
      return this;
    }

    double number(String id) {
      String text = browser.driver().findElement(By.id(id)).getText().replace(",", "");
      return text.isBlank() || text.equals("–") ? 0 : Double.parseDouble(text);
    }

    /** The model version the instance row of {@code service} shows, if such a row exists. */
    Optional<String> servedBy(String service) {
      List<WebElement> rows = browser.driver().findElements(
          By.cssSelector("#instances tr[data-service='" + service + "'] td.model-version"));
      try {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0).getText());
      } catch (org.openqa.selenium.StaleElementReferenceException e) {
        return Optional.empty(); // re-rendered while read: the caller's wait asks again
      }
    }
  }

  /** The releases page. */
  record Releases(Browser browser, String base) {
    Releases open() {
      browser.driver().get(base + "releases");
      browser.await(WAIT, d -> !d.findElements(By.cssSelector("#versions tbody tr")).isEmpty());
      return this;
    }

    String status(String version) {
      return text(browser, "#versions tr[data-version='" + version + "'] td.status");
    }

    /** Clicks "Roll back to this" on {@code version}, enters the token and confirms. */
    Releases rollBackTo(String version, String token, String reason) {
      click(browser, "#versions tr[data-version='" + version + "'] button.rollback");
      confirm(browser.driver(), token, reason);
      return this;
    }

    String result() {
      return browser.await(WAIT, d -> {
        String t = d.findElement(By.id("action-result")).getText();
        return t.isBlank() ? null : t;
      });
    }

  }

  /** The series page. */
  record Series(Browser browser, String base) {
    Series open() {
      browser.driver().get(base + "series");
      browser.await(WAIT, d -> d.findElement(By.id("live")).getText().equals("live"));
      return this;
    }

    /** Waits until the predictions table shows {@code scanId}; returns its predicted stage. */
    String awaitPrediction(String scanId) {
      return browser.await(WAIT, d -> d.findElements(
              By.cssSelector("#predictions tr[data-scan='" + scanId + "'] td.predicted")).stream()
          .findFirst().map(WebElement::getText).orElse(null));
    }

    /** Opens the detail of {@code seriesUid}; returns the scan ids of its slices. */
    List<String> openSeries(String seriesUid) {
      click(browser, "#series tr[data-series='" + seriesUid + "']");
      browser.await(WAIT, d -> !d.findElements(By.cssSelector("#slices tbody tr")).isEmpty());
      return browser.driver().findElements(By.cssSelector("#slices tbody tr")).stream()
          .map(r -> r.getAttribute("data-scan")).toList();
    }

    /** The open series' slice thumbnails that have loaded, by scan id, and their natural width. */
    @SuppressWarnings("unchecked")
    Map<String, Long> loadedThumbnails() {
      return (Map<String, Long>) ((JavascriptExecutor) browser.driver()).executeScript(
          "const out = {}; for (const r of document.querySelectorAll('#slices tbody tr')) {"
              + " const i = r.querySelector('img.thumb');"
              + " if (i && i.complete && i.naturalWidth > 0) out[r.dataset.scan] = i.naturalWidth; }"
              + " return out;");
    }
  }

  /** The dead-letters page. */
  record DeadLetters(Browser browser, String base) {
    DeadLetters open() {
      browser.driver().get(base + "dead-letters");
      browser.await(WAIT, d -> d.findElement(By.id("live")).getText().equals("live"));
      return this;
    }

    /** Waits for a dead letter of scan {@code key}; returns the id of the newest. */
    String awaitDeadLetter(String key) {
      return browser.await(WAIT, d -> d.findElements(By.cssSelector("#dead-letters tbody tr"))
          .stream()
          .filter(r -> r.findElements(By.cssSelector("td.mono")).stream()
              .anyMatch(td -> td.getText().equals(key)))
          .map(r -> r.getAttribute("data-id")).findFirst().orElse(null));
    }

    String stageOf(String id) {
      return text(browser, "#dead-letters tr[data-id='" + id + "'] td.stage");
    }

    String reasonOf(String id) {
      return text(browser, "#dead-letters tr[data-id='" + id + "'] td.reason");
    }

    /** Opens the detail panel of {@code id}; returns its message field. */
    String openDetail(String id) {
      click(browser, "#dead-letters tr[data-id='" + id + "'] td.stage");
      return browser.await(WAIT, d -> d.findElements(By.cssSelector("#dl-fields td.field-message"))
          .stream().findFirst().map(WebElement::getText).orElse(null));
    }

    DeadLetters replay(String id, String token) {
      browser.await(WAIT, d -> {
        WebElement box = d.findElement(By.cssSelector("#dead-letters tr[data-id='" + id
            + "'] input.select"));
        if (!box.isSelected()) {
          box.click();
        }
        return true;
      });
      browser.driver().findElement(By.id("replay-selected")).click();
      confirm(browser.driver(), token, null);
      return this;
    }

    String result() {
      return browser.await(WAIT, d -> {
        String t = d.findElement(By.id("action-result")).getText();
        return t.isBlank() ? null : t;
      });
    }

    String replaysOf(String id) {
      return browser.await(WAIT, d -> {
        String t = d.findElement(By.cssSelector("#dead-letters tr[data-id='" + id + "'] td.replays"))
            .getText();
        return t.isBlank() ? null : t;
      });
    }

  }

  /** The text of the element at {@code css}, read again if the page re-renders it meanwhile. */
  static String text(Browser browser, String css) {
    return browser.await(WAIT, d -> d.findElement(By.cssSelector(css)).getText());
  }

  /** Clicks the element at {@code css}, finding it again if the page re-renders it meanwhile. */
  static void click(Browser browser, String css) {
    browser.await(WAIT, d -> {
      d.findElement(By.cssSelector(css)).click();
      return true;
    });
  }

  /** Fills in the confirmation dialog of an admin action and confirms. */
  static void confirm(WebDriver driver, String token, String reason) {
    WebElement tokenField = new org.openqa.selenium.support.ui.WebDriverWait(driver, WAIT)
        .until(d -> d.findElement(By.id("admin-token")));
    tokenField.clear();
    tokenField.sendKeys(token);
    if (reason != null) {
      driver.findElement(By.id("action-reason")).sendKeys(reason);
    }
    driver.findElement(By.id("action-confirm")).click();
  }
}

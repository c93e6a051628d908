"""The texts of the pages behind links in emails (``web/links.py``) in every invitation language.

German is the fallback. ``{name}`` and ``{place}`` are filled in (and escaped)
by the page.
"""

from __future__ import annotations

PAGE_TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "confirm_title": "E-Mail-Adresse bestätigen",
        "confirm_ask": "Guten Tag {name}, bitte bestätigen Sie, dass wir Ihnen Einladungen "
        "zu Beteiligungsangeboten schicken dürfen.",
        "confirm_button": "Ja, ich bin einverstanden",
        "confirm_done": "Vielen Dank, {name}. Ihre Einwilligung ist gespeichert. Sie können "
        "sie jederzeit mit dem Abmeldelink in jeder E-Mail widerrufen.",
        "unsubscribe_title": "Abmelden",
        "unsubscribe_ask": "Guten Tag {name}, möchten Sie keine E-Mails mehr von uns erhalten?",
        "unsubscribe_button": "Ja, abmelden",
        "unsubscribe_done": "Sie sind abgemeldet und erhalten keine E-Mails mehr von uns.",
        "rsvp_title": "Antwort auf die Einladung",
        "rsvp_ask": "Guten Tag {name}, bitte bestätigen Sie Ihre Antwort:",
        "rsvp_button": "Antwort senden",
        "rsvp_done": "Vielen Dank, Ihre Antwort ist gespeichert:",
        "waiting": "Alle Plätze sind vergeben. Sie stehen auf der Warteliste (Platz {place}); "
        "wir schreiben Ihnen, sobald ein Platz frei wird.",
        "closed": "Auf diese Einladung kann nicht mehr geantwortet werden.",
        "yes": "Ja, ich komme",
        "no": "Nein, ich komme nicht",
        "maybe": "Vielleicht",
        "pending": "Noch keine Antwort",
        "choose": "Bitte wählen Sie Ja, Nein oder Vielleicht.",
        "skip_link": "Zum Inhalt springen",
    },
    "en": {
        "confirm_title": "Confirm your email address",
        "confirm_ask": "Hello {name}, please confirm that we may send you invitations to "
        "participation events.",
        "confirm_button": "Yes, I agree",
        "confirm_done": "Thank you, {name}. Your consent has been saved. You can withdraw it "
        "at any time with the unsubscribe link in every email.",
        "unsubscribe_title": "Unsubscribe",
        "unsubscribe_ask": "Hello {name}, do you no longer want to receive emails from us?",
        "unsubscribe_button": "Yes, unsubscribe",
        "unsubscribe_done": "You have been unsubscribed and will receive no more emails from us.",
        "rsvp_title": "Reply to the invitation",
        "rsvp_ask": "Hello {name}, please confirm your reply:",
        "rsvp_button": "Send reply",
        "rsvp_done": "Thank you, your reply has been saved:",
        "waiting": "All places are taken. You are on the waiting list (place {place}); we "
        "will write to you as soon as a place becomes free.",
        "closed": "This invitation can no longer be answered.",
        "yes": "Yes, I will come",
        "no": "No, I will not come",
        "maybe": "Maybe",
        "pending": "No reply yet",
        "choose": "Please choose yes, no or maybe.",
        "skip_link": "Skip to content",
    },
    "tr": {
        "confirm_title": "E-posta adresinizi onaylayın",
        "confirm_ask": "Merhaba {name}, size katılım etkinliklerine davetler "
        "gönderebileceğimizi lütfen onaylayın.",
        "confirm_button": "Evet, kabul ediyorum",
        "confirm_done": "Teşekkür ederiz, {name}. Onayınız kaydedildi. Her e-postadaki "
        "abonelikten çıkma bağlantısıyla onayınızı istediğiniz zaman geri alabilirsiniz.",
        "unsubscribe_title": "Abonelikten çık",
        "unsubscribe_ask": "Merhaba {name}, bizden artık e-posta almak istemiyor musunuz?",
        "unsubscribe_button": "Evet, abonelikten çık",
        "unsubscribe_done": "Abonelikten çıktınız, artık bizden e-posta almayacaksınız.",
        "rsvp_title": "Davete yanıt",
        "rsvp_ask": "Merhaba {name}, lütfen yanıtınızı onaylayın:",
        "rsvp_button": "Yanıtı gönder",
        "rsvp_done": "Teşekkür ederiz, yanıtınız kaydedildi:",
        "waiting": "Tüm yerler dolu. Bekleme listesindesiniz ({place}. sıra); bir yer "
        "boşalır boşalmaz size yazacağız.",
        "closed": "Bu davete artık yanıt verilemez.",
        "yes": "Evet, geliyorum",
        "no": "Hayır, gelmiyorum",
        "maybe": "Belki",
        "pending": "Henüz yanıt yok",
        "choose": "Lütfen evet, hayır veya belki seçin.",
        "skip_link": "İçeriğe geç",
    },
    "ar": {
        "confirm_title": "تأكيد عنوان البريد الإلكتروني",
        "confirm_ask": "مرحبًا {name}، يرجى تأكيد موافقتكم على أن نرسل إليكم دعوات "
        "لفعاليات المشاركة.",
        "confirm_button": "نعم، أوافق",
        "confirm_done": "شكرًا لكم، {name}. تم حفظ موافقتكم. يمكنكم سحبها في أي وقت عبر "
        "رابط إلغاء الاشتراك في كل رسالة.",
        "unsubscribe_title": "إلغاء الاشتراك",
        "unsubscribe_ask": "مرحبًا {name}، ألا تريدون تلقي رسائل منا بعد الآن؟",
        "unsubscribe_button": "نعم، ألغِ الاشتراك",
        "unsubscribe_done": "تم إلغاء اشتراككم، ولن تصلكم رسائل منا بعد الآن.",
        "rsvp_title": "الرد على الدعوة",
        "rsvp_ask": "مرحبًا {name}، يرجى تأكيد ردكم:",
        "rsvp_button": "إرسال الرد",
        "rsvp_done": "شكرًا لكم، تم حفظ ردكم:",
        "waiting": "جميع الأماكن محجوزة. أنتم على قائمة الانتظار (المركز {place})؛ "
        "سنراسلكم فور توفر مكان.",
        "closed": "لم يعد من الممكن الرد على هذه الدعوة.",
        "yes": "نعم، سأحضر",
        "no": "لا، لن أحضر",
        "maybe": "ربما",
        "pending": "لا يوجد رد بعد",
        "choose": "يرجى اختيار نعم أو لا أو ربما.",
        "skip_link": "انتقل إلى المحتوى",
    },
    "uk": {
        "confirm_title": "Підтвердження адреси електронної пошти",
        "confirm_ask": "Доброго дня, {name}! Будь ласка, підтвердіть, що ми можемо надсилати "
        "Вам запрошення на заходи участі.",
        "confirm_button": "Так, я погоджуюся",
        "confirm_done": "Дякуємо, {name}. Вашу згоду збережено. Ви можете будь-коли "
        "відкликати її за посиланням для відписки в кожному листі.",
        "unsubscribe_title": "Відписатися",
        "unsubscribe_ask": "Доброго дня, {name}! Ви більше не бажаєте отримувати від нас листи?",
        "unsubscribe_button": "Так, відписатися",
        "unsubscribe_done": "Ви відписалися і більше не отримуватимете від нас листів.",
        "rsvp_title": "Відповідь на запрошення",
        "rsvp_ask": "Доброго дня, {name}! Будь ласка, підтвердіть свою відповідь:",
        "rsvp_button": "Надіслати відповідь",
        "rsvp_done": "Дякуємо, Вашу відповідь збережено:",
        "waiting": "Усі місця зайняті. Ви в списку очікування (місце {place}); ми напишемо "
        "Вам, щойно звільниться місце.",
        "closed": "На це запрошення вже не можна відповісти.",
        "yes": "Так, я прийду",
        "no": "Ні, я не прийду",
        "maybe": "Можливо",
        "pending": "Відповіді ще немає",
        "choose": "Будь ласка, виберіть «так», «ні» або «можливо».",
        "skip_link": "Перейти до змісту",
    },
}


def texts_for(language: str) -> dict[str, str]:
    return PAGE_TEXTS.get(language, PAGE_TEXTS["de"])
